"""Sending mailboxes as settings describe them: SMTP server, security, sender and caps."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from outreach.core.mime_safety import unsafe_character

Security = Literal["none", "starttls", "tls"]

DEFAULT_DAILY_CAP = 50
"""Messages a mailbox sends per day, follow-ups included, unless told otherwise (conservative)."""
DEFAULT_BOUNCE_THRESHOLD = 0.03
"""A mailbox pauses when more than this share of its recent messages bounced."""


class MailboxSettings(BaseModel):
    """One sending mailbox; its password lives in settings or the environment, never in the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
    """Short name the outbox records for each message (`mx`, `default`)."""
    host: str = Field(min_length=1)
    """SMTP server host name."""
    port: int | None = Field(None, ge=1, le=65535)
    """SMTP port; 465 for `tls`, 587 for `starttls`, 25 otherwise when unset."""
    security: Security = "starttls"
    """`none` (plain), `starttls` (upgrade; refused if not offered) or `tls` (implicit TLS)."""
    user: str | None = None
    password: SecretStr | None = None
    from_address: str = Field(min_length=3)
    """The From address (and envelope sender)."""
    from_name: str = ""
    """Display name shown with the From address."""
    reply_to: str | None = None
    daily_cap: int | None = Field(DEFAULT_DAILY_CAP, ge=0)
    """Messages per day, follow-ups included (planned per UTC day, enforced over a rolling 24 hours);
    unset lifts the cap."""
    hourly_cap: int | None = Field(None, ge=0)
    """Messages per rolling hour, when set."""
    domain_gap_seconds: int = Field(120, ge=0)
    """Least time between two messages to one recipient domain."""
    bounce_threshold: float = Field(DEFAULT_BOUNCE_THRESHOLD, gt=0, le=1)
    bounce_min_sent: int = Field(20, ge=1)
    """Messages sent before the bounce rate can pause the mailbox (one bounce in three is noise)."""
    timeout: float = Field(60.0, gt=0)
    """Seconds to wait for each SMTP reply."""
    validate_certs: bool = True

    @field_validator("from_address", "from_name", "reply_to", "host", "user")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        bad = unsafe_character(value) if value is not None else None
        if bad is not None:
            raise ValueError(f"contains {bad!r}; a header value must be one line")
        return value

    @property
    def smtp_port(self) -> int:
        """The port to connect to."""
        if self.port is not None:
            return self.port
        return {"tls": 465, "starttls": 587}.get(self.security, 25)

    @property
    def own_domain(self) -> str:
        """Domain of the From address, for Message-IDs."""
        return self.from_address.rsplit("@", 1)[-1].strip().lower()


def mailbox_named(mailboxes: tuple[MailboxSettings, ...] | list[MailboxSettings], name: str | None,
                  ) -> MailboxSettings | None:
    """The mailbox with this name, or the first one when no name is asked for."""
    if name is None:
        return mailboxes[0] if mailboxes else None
    return next((box for box in mailboxes if box.name == name), None)
