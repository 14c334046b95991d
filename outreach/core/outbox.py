"""The outbox as other parts use it: find messages, stop sequences, resolve uncertain ones, bounces.

Reply matching (the mailbox) finds messages by Message-ID; stage changes, do-not-contact entries,
replies, bounces and unsubscribes stop what is still waiting; people resolve `uncertain` messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from outreach.core import audit, dnc
from outreach.core.campaign import Campaign
from outreach.core.followups import compose_followups
from outreach.core.models import utcnow
from outreach.core.outbox_stops import cancel_unsent_requests, stop_followups, stop_for_prospects
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_results import settle_sent, settle_uncertain
from outreach.errors import NotFoundError, SendingError

STALE_CLAIM = timedelta(minutes=30)
"""A claim older than this belongs to a dead worker (a batch takes seconds)."""
__all__ = ["find_by_message_ids", "get_message", "record_bounce", "resolve_uncertain", "send_now",
           "send_request_now", "stop_followups", "stop_for_prospects", "uncertain_messages",
           "unstick_after_crash"]


def normalise_message_id(value: str) -> str:
    """A Message-ID as stored: trimmed, in angle brackets (`In-Reply-To` values vary)."""
    text = value.strip()
    return text if text.startswith("<") else f"<{text.strip('<>')}>"


def find_by_message_ids(session: Session, message_ids: Iterable[str]) -> list[OutboxMessage]:
    """Outbox messages whose Message-ID is one of these (from a reply's In-Reply-To/References)."""
    wanted = sorted({normalise_message_id(value) for value in message_ids if value.strip()})
    if not wanted:
        return []
    query = select(OutboxMessage).where(col(OutboxMessage.message_id).in_(wanted))
    return list(session.exec(query).all())


def get_message(session: Session, outbox_id: int) -> OutboxMessage:
    """One outbox message; NotFoundError otherwise."""
    found = session.get(OutboxMessage, outbox_id)
    if found is None:
        raise NotFoundError(f"no outbox message #{outbox_id}")
    return found


def uncertain_messages(session: Session, campaign_id: int | None = None) -> list[OutboxMessage]:
    """Messages that may or may not have been delivered, oldest first, waiting for a person."""
    query = select(OutboxMessage).where(col(OutboxMessage.state) == "uncertain")
    if campaign_id is not None:
        query = query.where(col(OutboxMessage.campaign_id) == campaign_id)
    return list(session.exec(query.order_by(col(OutboxMessage.claimed_at), col(OutboxMessage.id))).all())


def resolve_uncertain(session: Session, outbox_id: int, *, delivered: bool, actor: str, note: str = "",
                      resend: bool = False, now: datetime | None = None) -> OutboxMessage:
    """Settle an uncertain message: delivered (it counts as sent, and the sender composes its next
    follow-up, its delay counted from now) or not (it fails, and its follow-ups stop, unless `resend`
    queues it again right away). Audited with who decided."""
    message = get_message(session, outbox_id)
    if message.state != "uncertain":
        raise SendingError(f"outbox message #{outbox_id} is {message.state}, not uncertain")
    if resend and delivered:
        raise SendingError("a delivered message is not sent again")
    moment = now or utcnow()
    message.resolution = "delivered" if delivered else "not-delivered"
    message.resolved_by, message.resolved_at, message.updated_at = actor, moment, moment
    if delivered:
        settle_sent(session, message, moment, message.smtp_reply or "resolved as delivered")
    elif resend:
        message.state, message.send_at, message.manual = "scheduled", moment, True
    else:
        message.state = "failed"
        stop_followups(session, message.request_id, reason="not-delivered", actor=actor)
        if message.step == 0:
            cancel_unsent_requests(session, [message.request_id], "not delivered", actor)
    session.add(message)
    audit.record(session, actor=actor, action="outbox.resolve", object_type="outbox",
                 object_id=outbox_id, campaign_id=message.campaign_id,
                 detail={"resolution": message.resolution, "resend": resend, "note": note,
                         "message_id": message.message_id})
    return message


def record_bounce(session: Session, outbox_id: int, *, hard: bool, actor: str, reply: str = "",
                  now: datetime | None = None) -> OutboxMessage:
    """A bounce reported for a sent message: logged against its mailbox's bounce rate; a hard one
    suppresses the address and stops the rest of the sequence."""
    message = get_message(session, outbox_id)
    session.add(SendLogEntry(mailbox=message.mailbox, outbox_id=outbox_id, at=now or utcnow(),
                             outcome="bounced" if hard else "deferred",
                             recipient_domain=message.recipient_domain, reply=reply[:500]))
    if hard:
        dnc.suppress(session, dnc.Subject("email", message.recipient.lower()), "hard-bounce")
        stop_followups(session, message.request_id, reason="bounce", actor=actor)
    audit.record(session, actor=actor, action="outbox.bounce", object_type="outbox", object_id=outbox_id,
                 campaign_id=message.campaign_id, detail={"hard": hard, "reply": reply[:500]})
    session.flush()
    return message


def send_now(session: Session, outbox_id: int, *, actor: str, now: datetime | None = None) -> OutboxMessage:
    """Let a person send one waiting message as soon as possible, outside its window; audited."""
    message = get_message(session, outbox_id)
    if message.state != "scheduled":
        raise SendingError(f"outbox message #{outbox_id} is {message.state}; only scheduled ones can go now")
    moment = now or utcnow()
    before = message.send_at
    message.send_at, message.manual, message.updated_at = moment, True, moment
    session.add(message)
    audit.record(session, actor=actor, action="outbox.send-now", object_type="outbox", object_id=outbox_id,
                 campaign_id=message.campaign_id,
                 detail={"planned": before.isoformat(), "now": moment.isoformat(), "step": message.step})
    return message


def send_request_now(session: Session, request_id: int, *, actor: str, now: datetime | None = None,
                     campaign: Campaign | None = None,
                     mailboxes: Sequence[MailboxSettings] = ()) -> OutboxMessage:
    """The request's next waiting message goes as soon as possible (`outreach schedule ID --now`);
    with the campaign and mailboxes, a follow-up only booked so far is composed for it first."""
    waiting = _next_waiting(session, request_id)
    if waiting is None and campaign is not None:
        _compose_booked(session, campaign, mailboxes, request_id, now)
        waiting = _next_waiting(session, request_id)
    if waiting is None:
        raise SendingError(f"request #{request_id} has no message waiting to be sent")
    return send_now(session, waiting.id or 0, actor=actor, now=now)


def _next_waiting(session: Session, request_id: int) -> OutboxMessage | None:
    """The request's earliest step still scheduled."""
    query = (select(OutboxMessage).where(col(OutboxMessage.request_id) == request_id,
                                         col(OutboxMessage.state) == "scheduled")
             .order_by(col(OutboxMessage.step)))
    return session.exec(query).first()


def _compose_booked(session: Session, campaign: Campaign, mailboxes: Sequence[MailboxSettings],
                    request_id: int, now: datetime | None) -> None:
    """Compose the request's next booked follow-up now; SendingError saying why it cannot be."""
    holder = session.exec(select(OutboxMessage).where(
        col(OutboxMessage.request_id) == request_id, col(OutboxMessage.state) == "sent",
        col(OutboxMessage.planned_followups).is_not(None))).first()
    if holder is None:
        return
    found = compose_followups(session, campaign, holder.campaign_id, mailboxes, ids=[holder.id or 0], now=now)
    why = [*found.waiting, *found.ended]
    if why:
        raise SendingError(f"request #{request_id}: its next follow-up cannot be composed: {why[0]}")


def unstick_after_crash(session: Session, worker: str, *, stale_after: timedelta = STALE_CLAIM,
                        now: datetime | None = None) -> int:
    """Messages this worker left `sending` (it crashed), or any worker's claim older than
    `stale_after`, become `uncertain`: they may have gone out, so they are never re-sent blindly."""
    moment = now or utcnow()
    query = select(OutboxMessage).where(col(OutboxMessage.state) == "sending", or_(
        col(OutboxMessage.claimed_by) == worker, col(OutboxMessage.claimed_at) < moment - stale_after))
    found = list(session.exec(query).all())
    for message in found:
        settle_uncertain(session, message, moment, f"found in `sending` (claimed by {message.claimed_by} at "
                         f"{message.claimed_at:%Y-%m-%d %H:%M:%S}Z) after a crash")
    return len(found)
