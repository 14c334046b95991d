"""What an attempt's outcome changes: the message's state, the send log, its request and prospect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, update
from sqlmodel import Session, col

from outreach.core import audit, dnc
from outreach.core.models import LinkRequest, Prospect, ProspectEvent
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry

REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
PROSPECTS: Table = Prospect.__table__  # type: ignore[attr-defined]
PRE_PITCH_STAGES = ("new", "qualified")
"""Stages a prospect leaves for `pitched` when its first message goes out."""


def _log(session: Session, message: OutboxMessage, at: datetime, outcome: str, reply: str) -> None:
    session.add(SendLogEntry(mailbox=message.mailbox, outbox_id=message.id, at=at, outcome=outcome,
                             recipient_domain=message.recipient_domain, reply=reply[:500]))


def settle_sent(session: Session, message: OutboxMessage, at: datetime, reply: str) -> None:
    """The server accepted the message: it is sent; a pitch moves its request and prospect on."""
    message.state, message.sent_at, message.smtp_reply, message.updated_at = "sent", at, reply[:500], at
    session.add(message)
    _log(session, message, at, "sent", reply)
    if message.step == 0:
        _pitched(session, message, at)


def _pitched(session: Session, message: OutboxMessage, at: datetime) -> None:
    """The request is `sent` (pitched at `at`); a new or qualified prospect becomes `pitched`."""
    connection = session.connection()
    moved = connection.execute(
        update(REQUESTS).where(REQUESTS.c.id == message.request_id,
                               REQUESTS.c.state.in_(("scheduled", "sending")))
        .values(state="sent", pitched_at=at, updated_at=at)).rowcount
    if moved:
        audit.record(session, actor="sender", action="request.state", object_type="request",
                     object_id=message.request_id, campaign_id=message.campaign_id,
                     detail={"from": "scheduled", "to": "sent", "message_id": message.message_id})
    stage = connection.execute(
        update(PROSPECTS).where(PROSPECTS.c.id == message.prospect_id,
                                PROSPECTS.c.stage.in_(PRE_PITCH_STAGES))
        .values(stage="pitched", updated_at=at)).rowcount
    if stage:
        session.add(ProspectEvent(prospect_id=message.prospect_id, at=at, actor="sender", kind="stage",
                                  detail={"to": "pitched", "message_id": message.message_id}))


def settle_deferred(session: Session, message: OutboxMessage, at: datetime, reply: str, *,
                    max_attempts: int, retry_minutes: int) -> None:
    """A temporary (4xx) refusal: retry later with doubling delays, or fail after the last attempt."""
    _log(session, message, at, "deferred", reply)
    if message.attempts >= max_attempts:
        settle_failed(session, message, at, f"gave up after {message.attempts} attempts: {reply}",
                      hard=False)
        return
    delay = timedelta(minutes=retry_minutes * 2 ** max(0, message.attempts - 1))
    message.state, message.send_at, message.smtp_reply, message.updated_at = (
        "scheduled", at + delay, reply[:500], at)
    message.claimed_by = None
    session.add(message)


def settle_failed(session: Session, message: OutboxMessage, at: datetime, reply: str, *, hard: bool) -> None:
    """A permanent refusal: the message fails, the rest of its sequence stops, and a hard bounce
    (5xx for the recipient) suppresses the address."""
    message.state, message.smtp_reply, message.updated_at = "failed", reply[:500], at
    session.add(message)
    _log(session, message, at, "bounced" if hard else "failed", reply)
    if hard:
        dnc.suppress(session, dnc.Subject("email", message.recipient.lower()), "hard-bounce")
    session.execute(update(OutboxMessage).where(
        col(OutboxMessage.request_id) == message.request_id, col(OutboxMessage.state) == "scheduled")
        .values(state="stopped", stop_reason="bounce" if hard else "failed", updated_at=at))


def settle_uncertain(session: Session, message: OutboxMessage, at: datetime, reply: str) -> None:
    """Nobody knows whether the server took it (a timeout after DATA): a person decides; it counts
    toward the mailbox's caps meanwhile, and it is never re-sent on its own."""
    message.state, message.smtp_reply, message.updated_at = "uncertain", reply[:500], at
    session.add(message)
    _log(session, message, at, "uncertain", reply)
