"""The outbox's tables: queued messages with their exact bytes, the send log, paused mailboxes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from outreach.core.models import UtcDateTime, utcnow

OUTBOX_STATES = ("scheduled", "sending", "sent", "failed", "uncertain", "stopped")
"""A message's life: queued, claimed by a worker, then sent, failed, uncertain or stopped unsent."""




def _now() -> Any:
    """A UTC timestamp field defaulting to now."""
    return Field(default_factory=utcnow, sa_type=UtcDateTime)


RESOLUTIONS = ("delivered", "not-delivered")
"""A person's (or the Sent folder's) answer about an uncertain message."""

LOG_OUTCOMES = ("sent", "uncertain", "deferred", "failed", "bounced")
"""What one attempt (or a later bounce report) did; `sent` and `uncertain` count toward caps."""


FOLLOWUPS_DUE = "state = 'sent' AND planned_followups IS NOT NULL"
"""Sent messages whose next follow-up is still to compose."""


class OutboxMessage(SQLModel, table=True):
    """One email of a link request's sequence (the pitch is step 0), with the bytes that will be sent."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("request_id", "step", name="uq_outbox_request_step"),
        UniqueConstraint("message_id", name="uq_outbox_message_id"),
        Index("ix_outbox_state_send_at", "state", "send_at"),
        Index("ix_outbox_followups_due", "state", "id", sqlite_where=text(FOLLOWUPS_DUE),
              postgresql_where=text(FOLLOWUPS_DUE)),
    )
    # Few indexes on purpose: scheduling inserts 100k rows at a time. (request_id, step) serves
    # lookups by request; the queue filters the (state, send_at) range; the partial index finds the
    # sent messages whose next follow-up is still to compose (a handful among every message sent),
    # and a row enters it only once sent, so scheduling's inserts never touch it.

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    request_id: int = Field(foreign_key="link_request.id")
    prospect_id: int = Field(index=True)
    """The recipient's prospect row, so stage changes and do-not-contact stop the sequence."""
    market: str
    step: int = 0
    """0 for the pitch, 1.. for follow-ups."""
    state: str = "scheduled"
    mailbox: str
    """Name of the sending mailbox (settings); its caps and bounce rate apply."""
    message_id: str
    """Message-ID with angle brackets, fixed at enqueue and reused on every attempt."""
    thread_root: str | None = None
    """The pitch's Message-ID for follow-ups (what their In-Reply-To and References name)."""
    sender: str
    """Envelope sender (the mailbox's address)."""
    recipient: str
    """Envelope recipient, as stored for the prospect (Unicode local part and domain allowed)."""
    recipient_domain: str
    """Registered part of the recipient's domain, for per-domain spacing."""
    timezone: str
    """The recipient's IANA zone the send time was planned in."""
    subject: str
    send_at: datetime = Field(sa_type=UtcDateTime)
    """When it may go, in UTC; retries move it forward."""
    delay_days: int = 0
    """Business days after the previous step was sent (follow-ups), counted from its real send time."""
    planned_followups: str | None = None
    """The follow-ups after this message, booked but not yet composed (see `followup_plan`): the next
    is composed from approved text once this message is sent."""
    manual: bool = False
    """Sent as soon as possible by a person (`schedule ID --now`), outside the window and caps."""
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    """The approved message as RFC 5322 bytes, without Date (stamped at each attempt)."""
    content_sha256: str
    smtputf8: bool = False
    """Whether an address needs SMTPUTF8 (a Unicode local part)."""
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    smtp_reply: str | None = None
    """The server's last reply (or the error) for this message."""
    stop_reason: str | None = None
    """Why a waiting message was stopped (`reply`, `bounce`, `unsubscribe`, `stage:won`, `dnc`…)."""
    resolution: str | None = None
    """`delivered` or `not-delivered` once an uncertain message is resolved."""
    resolved_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    created_at: datetime = _now()
    updated_at: datetime = _now()


class SendLogEntry(SQLModel, table=True):
    """One attempt's outcome per mailbox: caps and bounce rates count these, so they survive restarts."""

    __tablename__ = "send_log"
    __table_args__ = (Index("ix_send_log_mailbox_at", "mailbox", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    mailbox: str
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", index=True)
    at: datetime = _now()
    outcome: str
    """One of LOG_OUTCOMES."""
    recipient_domain: str = ""
    reply: str = ""


class MailboxPause(SQLModel, table=True):
    """A mailbox that stopped sending (bounce rate over its threshold) until a person resumes it."""

    __tablename__ = "mailbox_pause"

    mailbox: str = Field(primary_key=True)
    reason: str
    paused_at: datetime = _now()
    paused_by: str
