"""What an attempt's outcome changes: the message's state, the send log, its request and prospect."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session, col

from outreach.core import audit, dnc, requests
from outreach.core.bulk import bulk_insert
from outreach.core.claims import Claimed
from outreach.core.models import AuditEntry, LinkRequest, Prospect, ProspectEvent
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry

REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
PROSPECTS: Table = Prospect.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
SEND_LOG: Table = SendLogEntry.__table__  # type: ignore[attr-defined]
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]
EVENTS: Table = ProspectEvent.__table__  # type: ignore[attr-defined]
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
    message.planned_followups = None  # nothing follows a message that never arrived
    session.add(message)
    _log(session, message, at, "bounced" if hard else "failed", reply)
    if hard:
        dnc.suppress(session, dnc.Subject("email", message.recipient.lower()), "hard-bounce")
    request = session.get(LinkRequest, message.request_id) if message.step == 0 else None
    if request is not None and request.state in ("scheduled", "sending"):
        requests.move(session, request, "cancelled", "sender", reason=f"pitch failed: {reply[:200]}")
    session.execute(update(OutboxMessage).where(
        col(OutboxMessage.request_id) == message.request_id, col(OutboxMessage.state) == "scheduled")
        .values(state="stopped", stop_reason="bounce" if hard else "failed", updated_at=at))


def settle_uncertain(session: Session, message: OutboxMessage, at: datetime, reply: str) -> None:
    """Nobody knows whether the server took it (a timeout after DATA): a person decides; it counts
    toward the mailbox's caps meanwhile, and it is never re-sent on its own."""
    message.state, message.smtp_reply, message.updated_at = "uncertain", reply[:500], at
    session.add(message)
    _log(session, message, at, "uncertain", reply)


def settle_sent_batch(session: Session, sent: Sequence[tuple[Claimed, datetime, str]]) -> None:
    """Many accepted messages at once, with statements per batch rather than per message: the
    send loop's hot path (it settles up to a batch of messages per transaction)."""
    if not sent:
        return
    connection = session.connection()
    connection.execute(update(OUTBOX).where(OUTBOX.c.id == bindparam("key")).values(
        state="sent", sent_at=bindparam("at"), smtp_reply=bindparam("reply"), updated_at=bindparam("at")),
        [{"key": item.id, "at": at, "reply": reply[:500]} for item, at, reply in sent])
    bulk_insert(connection, SEND_LOG, ("mailbox", "outbox_id", "at", "recipient_domain", "reply"),
                [(item.mailbox, item.id, at, item.recipient_domain, reply[:500])
                 for item, at, reply in sent], {"outcome": "sent"})
    pitches = [(item, at) for item, at, _ in sent if item.step == 0]
    if pitches:
        _pitched_batch(session, pitches)


def _pitched_batch(session: Session, pitches: Sequence[tuple[Claimed, datetime]]) -> None:
    """Requests of sent pitches become `sent`; their new or qualified prospects become `pitched`."""
    connection = session.connection()
    request_ids = [item.request_id for item, _ in pitches]
    moving = set(connection.execute(select(REQUESTS.c.id).where(
        REQUESTS.c.id.in_(request_ids), REQUESTS.c.state.in_(("scheduled", "sending")))).scalars())
    moved = [(item, at) for item, at in pitches if item.request_id in moving]
    if moved:
        connection.execute(update(REQUESTS).where(REQUESTS.c.id == bindparam("key")).values(
            state="sent", pitched_at=bindparam("at"), updated_at=bindparam("at")),
            [{"key": item.request_id, "at": at} for item, at in moved])
        bulk_insert(connection, AUDIT, ("at", "object_id", "campaign_id", "detail"),
                    [(at, str(item.request_id), item.campaign_id, {"from": "scheduled", "to": "sent"})
                     for item, at in moved],
                    {"actor": "sender", "action": "request.state", "object_type": "request"})
    prospect_ids = [item.prospect_id for item, _ in pitches]
    fresh = set(connection.execute(select(PROSPECTS.c.id).where(
        PROSPECTS.c.id.in_(prospect_ids), PROSPECTS.c.stage.in_(PRE_PITCH_STAGES))).scalars())
    if fresh:
        first = {item.prospect_id: at for item, at in reversed(pitches)}
        connection.execute(update(PROSPECTS).where(PROSPECTS.c.id.in_(fresh)).values(stage="pitched"))
        bulk_insert(connection, EVENTS, ("prospect_id", "at", "detail"),
                    [(pid, first[pid], {"to": "pitched"}) for pid in sorted(fresh)],
                    {"actor": "sender", "kind": "stage"})
