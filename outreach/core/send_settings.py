"""campaign.toml's [sending] table and each market's [markets.<tag>.sending] overrides."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outreach.core.mime_safety import unsafe_character


class SendingSettings(BaseModel):
    """How a market's messages are timed, threaded and sent; markets override any key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mailbox: str | None = None
    """Name of the settings mailbox that sends this market's mail; the first one when unset."""
    followups: tuple[int, ...] = (3, 5)
    """Business days between one message and the next follow-up; `[]` sends the pitch alone."""
    reply_prefix: str | None = None
    """Subject prefix of follow-ups; the language's usual one (`Re: `, `AW: `) when unset."""
    unsubscribe_mailto: str | None = None
    """Address for List-Unsubscribe's mailto form; the sending mailbox's From when unset."""
    unsubscribe_url: str | None = None
    """HTTPS URL with `{token}` for RFC 8058 one-click unsubscribes; none when unset."""
    max_attempts: int = Field(5, ge=1, le=50)
    """Temporary (4xx) failures retried up to this many attempts in all, then the message fails."""
    retry_minutes: int = Field(10, ge=1)
    """First retry delay; each further retry waits twice as long."""

    @field_validator("followups")
    @classmethod
    def _positive_delays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(days < 1 for days in value) or len(value) > 5:
            raise ValueError("follow-up delays are 1 to 5 positive business-day counts, like [3, 5]")
        return value

    @field_validator("unsubscribe_url")
    @classmethod
    def _https_with_token(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("https://") or "{token}" not in value):
            raise ValueError("must be an https:// URL containing {token} (RFC 8058 one-click)")
        return _one_line(value)

    @field_validator("reply_prefix", "unsubscribe_mailto", "mailbox")
    @classmethod
    def _header_safe(cls, value: str | None) -> str | None:
        return _one_line(value)


def _one_line(value: str | None) -> str | None:
    """The value, or ValueError when it holds a control character (it ends up in a header)."""
    bad = unsafe_character(value) if value is not None else None
    if bad is not None:
        raise ValueError(f"contains {bad!r}; header values must be one line")
    return value
