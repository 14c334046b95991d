"""Stopping a sequence: what still waits for a recipient stops when they reply, bounce, unsubscribe,
change stage or go on the do-not-contact list; forgetting them erases their messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, or_, update
from sqlmodel import Session, col, select

from outreach.core import audit, followup_plan, requests
from outreach.core.models import LinkRequest, utcnow
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry
from outreach.errors import SendingError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
SEND_LOG: Table = SendLogEntry.__table__  # type: ignore[attr-defined]


def stop_followups(session: Session, request_id: int, *, reason: str, actor: str) -> int:
    """Stop every message of the request still waiting (its follow-ups, composed or only planned, and
    its pitch if unsent); returns how many stopped. Messages being sent or already sent keep their state."""
    return _stop(session, col(OutboxMessage.request_id) == request_id, reason, actor,
                 {"request": request_id})


def stop_for_prospects(session: Session, prospect_ids: Sequence[int], *, reason: str, actor: str) -> int:
    """Stop what is waiting for these prospects (a stage change, a do-not-contact entry, forget)."""
    if not prospect_ids:
        return 0
    return _stop(session, col(OutboxMessage.prospect_id).in_(list(prospect_ids)), reason, actor,
                 {"prospects": list(prospect_ids)[:50]})


def _stop(session: Session, which: Any, reason: str, actor: str, detail: dict[str, object]) -> int:
    """Mark matching waiting messages stopped, with one audit entry per request."""
    if not reason.strip():
        raise SendingError("stopping messages needs a reason (reply, bounce, unsubscribe, stage, dnc…)")
    query = select(OutboxMessage).where(which, or_(col(OutboxMessage.state) == "scheduled",
                                                   col(OutboxMessage.planned_followups).is_not(None)))
    found = list(session.exec(query).all())
    now = utcnow()
    steps: dict[int, list[int]] = {}
    for message in found:
        steps.setdefault(message.request_id, []).extend(
            followup_plan.booked_steps(message.step, message.planned_followups))
        if message.state == "scheduled":
            message.state, message.stop_reason = "stopped", reason
            steps[message.request_id].append(message.step)
        message.planned_followups, message.updated_at = None, now
        session.add(message)
    unsent = [message.request_id for message in found if message.step == 0 and message.state == "stopped"]
    cancel_unsent_requests(session, unsent, reason, actor)
    for request_id, stopped in sorted(steps.items()):
        audit.record(session, actor=actor, action="outbox.stop", object_type="request",
                     object_id=request_id, campaign_id=found[0].campaign_id,
                     detail={**detail, "reason": reason, "steps": sorted(stopped)})
    session.flush()
    return sum(len(stopped) for stopped in steps.values())


def cancel_unsent_requests(session: Session, request_ids: Sequence[int], reason: str, actor: str) -> None:
    """Requests whose pitch will never go are cancelled (they leave the rule gate's tallies)."""
    for request_id in request_ids:
        request = session.get(LinkRequest, request_id)
        if request is not None and request.state == "scheduled":
            requests.move(session, request, "cancelled", actor, reason=f"pitch stopped: {reason}")


def erase_for_prospects(session: Session, prospect_ids: Sequence[int]) -> int:
    """Delete the messages (their bytes hold personal data) of prospects being forgotten; the send
    log keeps its counts without the reference, so mailbox caps still hold."""
    if not prospect_ids:
        return 0
    connection = session.connection()
    doomed = OUTBOX.c.prospect_id.in_(list(prospect_ids))
    ids = select(OUTBOX.c.id).where(doomed).scalar_subquery()
    connection.execute(update(SEND_LOG).where(SEND_LOG.c.outbox_id.in_(ids)).values(outbox_id=None))
    return int(connection.execute(delete(OUTBOX).where(doomed)).rowcount or 0)
