"""What replies, unsubscribes and bounces change: requests, prospects, follow-ups, DNC, suppression."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from outreach.core import dnc, outbox, requests
from outreach.core.bounces import Bounce
from outreach.core.models import STAGES, LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.prospect_list import change_stage
from outreach.core.unsubscribes import Unsubscribe

VIA = "mailbox"
"""Recorded in audit details: the change came from reading the mailbox."""


def prospects_with_email(session: Session, address: str) -> list[Prospect]:
    """Prospects (any campaign) whose email is this address, oldest first."""
    if not address:
        return []
    query = select(Prospect).where(func.lower(Prospect.email) == address.lower()).order_by(col(Prospect.id))
    return list(session.exec(query).all())


def settle_if_uncertain(session: Session, sent: OutboxMessage, actor: str, why: str) -> list[str]:
    """An answer or a bounce to an uncertain message proves it left: settle it as sent."""
    if sent.state != "uncertain" or sent.id is None:
        return []
    outbox.resolve_uncertain(session, sent.id, delivered=True, actor=actor, note=f"{why} arrived ({VIA})")
    return ["uncertain message settled as sent"]


def on_reply(session: Session, sent: OutboxMessage, actor: str) -> list[str]:
    """A person answered what we sent: the request is replied, its follow-ups stop, the prospect moves on."""
    effects = settle_if_uncertain(session, sent, actor, "a reply")
    request = session.get(LinkRequest, sent.request_id, populate_existing=True)
    if request is not None and request.state == "sent":
        requests.move(session, request, "replied", actor, reason=f"reply to {sent.message_id} (via {VIA})")
        effects.append("request replied")
    stopped = outbox.stop_followups(session, sent.request_id, reason="reply", actor=actor)
    if stopped:
        effects.append(f"{stopped} follow-up(s) stopped")
    # Re-read: settling an uncertain pitch may have just moved it with a core UPDATE.
    prospect = session.get(Prospect, sent.prospect_id, populate_existing=True)
    if prospect is not None and _before(prospect.stage, "replied") and not prospect.do_not_contact:
        change_stage(session, sent.prospect_id, "replied", actor=actor, reason=f"reply via {VIA}")
        effects.append("prospect replied")
    return effects


def _before(stage: str, other: str) -> bool:
    """Whether a stage comes before another in the pipeline (won, lost and DNC never move back)."""
    order = {name: index for index, name in enumerate(STAGES)}
    return order.get(stage, len(STAGES)) < order[other]


def on_unsubscribe(session: Session, request: Unsubscribe, sent: OutboxMessage | None,
                   actor: str) -> list[str]:
    """Someone asked to be left alone: the address goes on do-not-contact, everything waiting for it stops."""
    reason = f"unsubscribe reply ({request.language}: '{request.phrase}')"
    prospects = prospects_with_email(session, request.address)
    ids = [prospect.id for prospect in prospects if prospect.id is not None]
    # Stopped before the DNC entry, which would stop them too but under the reason `dnc`.
    stopped = outbox.stop_for_prospects(session, ids, reason="unsubscribe", actor=actor)
    if sent is not None:
        stopped += outbox.stop_followups(session, sent.request_id, reason="unsubscribe", actor=actor)
    _, marked = dnc.add_entry(session, request.address, reason=reason, actor=actor)
    effects = [f"do-not-contact ({marked} prospect(s) marked)"]
    if sent is not None:
        effects += _close_request(session, sent.request_id, "unsubscribed", actor)
    for prospect in prospects:
        if prospect.id is not None and prospect.stage not in ("won", "do-not-contact"):
            change_stage(session, prospect.id, "do-not-contact", actor=actor, reason=reason)
    if stopped:
        effects.append(f"{stopped} waiting message(s) stopped")
    return effects


def on_bounce(session: Session, bounce: Bounce, sent: OutboxMessage | None, actor: str) -> list[str]:
    """A bounce: logged against the sending mailbox; a hard one suppresses the address and stops its mail."""
    reply = f"{bounce.status} {bounce.diagnostic}".strip()
    effects = settle_if_uncertain(session, sent, actor, "a bounce") if sent is not None else []
    if sent is not None and sent.id is not None:
        outbox.record_bounce(session, sent.id, hard=bounce.hard, actor=actor, reply=reply)
        effects.append(f"logged against mailbox {sent.mailbox}")
    if not bounce.hard:
        return effects
    if dnc.suppress(session, dnc.Subject("email", bounce.recipient), "hard-bounce"):
        effects.append("address suppressed")
    ids = [p.id for p in prospects_with_email(session, bounce.recipient) if p.id is not None]
    stopped = outbox.stop_for_prospects(session, ids, reason="bounce", actor=actor)
    if stopped:
        effects.append(f"{stopped} waiting message(s) stopped")
    if sent is not None:
        effects += _close_request(session, sent.request_id, f"hard bounce {bounce.status}", actor)
    return effects


def _close_request(session: Session, request_id: int, why: str, actor: str) -> list[str]:
    """A sent (or replied) request that can no longer succeed is lost, with the reason."""
    request = session.get(LinkRequest, request_id, populate_existing=True)
    if request is None or request.state not in ("sent", "replied"):
        return []
    requests.move(session, request, "lost", actor, reason=f"{why} (via {VIA})")
    return [f"request lost ({why})"]
