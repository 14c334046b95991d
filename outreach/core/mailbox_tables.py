"""The mailbox's tables: how far each IMAP folder was read, and what came back (replies, bounces…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from outreach.core.models import UtcDateTime, utcnow

EVENT_KINDS = ("reply", "auto-reply", "hard-bounce", "soft-bounce", "unsubscribe", "error")
"""What an incoming message was found to be; `error` records a message that could not be read."""

MATCHES = ("in-reply-to", "references", "message-id", "sender", "recipient")
"""How an event was tied to what we sent: a thread header, a bounce's copy, or only an address."""


def _now() -> Any:
    """A UTC timestamp field defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime)


class MailboxFolder(SQLModel, table=True):
    """How far one folder of one mailbox has been read: a new UIDVALIDITY means reading it again."""

    __tablename__ = "mailbox_folder"
    __table_args__ = (UniqueConstraint("mailbox", "folder", name="uq_mailbox_folder"),)

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str
    """The mailbox's name in settings."""
    folder: str
    uidvalidity: int = Field(default=0, sa_type=BigInteger)
    """The folder's UIDVALIDITY when last read (32-bit unsigned, so a big integer)."""
    last_uid: int = Field(default=0, sa_type=BigInteger)
    """Highest UID read under that UIDVALIDITY."""
    messages_seen: int = 0
    """Messages read in this folder, over every sync."""
    synced_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class InboundEvent(SQLModel, table=True):
    """One thing an incoming message told us, once per message however often folders are read."""

    __tablename__ = "inbound_event"
    __table_args__ = (
        UniqueConstraint("mailbox", "message_key", "kind", "address", name="uq_inbound_event"),
        Index("ix_inbound_event_campaign_market", "campaign_id", "market", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str
    folder: str
    uidvalidity: int = Field(sa_type=BigInteger)
    uid: int = Field(sa_type=BigInteger)
    message_key: str
    """The message's Message-ID, or a hash of its bytes when it has none."""
    kind: str
    """One of EVENT_KINDS."""
    address: str = ""
    """The sender of a reply or unsubscribe, the failed recipient of a bounce (lower case)."""
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    market: str | None = None
    prospect_id: int | None = Field(default=None, foreign_key="prospect.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="link_request.id", index=True)
    outbox_id: int | None = Field(default=None, index=True)
    """The sent message it answers or reports on."""
    matched_by: str | None = None
    """One of MATCHES, or None when nothing we sent was found."""
    subject: str = ""
    received_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    """The message's own Date."""
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Facts behind the event: the reply's first lines, a bounce's status and diagnostic, a phrase,
    an error, and the effects applied."""
    recorded_at: datetime = _now()
