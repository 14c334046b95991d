"""One incoming message read, classified, tied to what we sent, recorded once, and its effects applied."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from outreach.core import outbox
from outreach.core.bounces import Bounce, parse_bounce
from outreach.core.mail_parse import InboundMessage, read
from outreach.core.mailbox_effects import on_bounce, on_reply, on_unsubscribe, prospects_with_email
from outreach.core.mailbox_tables import InboundEvent
from outreach.core.models import Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.unsubscribes import unsubscribe_request

SNIPPET = 400
"""Characters of a reply's new text kept with its event, for the app."""


@dataclass(frozen=True)
class Where:
    """Which message of which folder is being read, by whom, for which campaign first."""

    mailbox: str
    folder: str
    uidvalidity: int
    uid: int
    actor: str
    campaign_id: int | None = None
    """Address-only matches prefer this campaign's prospects."""


def record_message(session: Session, where: Where, raw: bytes) -> list[InboundEvent]:
    """Record what a message tells us and apply it, once: a message already recorded is skipped.

    Each message runs in its own savepoint, so a message that cannot be read or applied leaves only
    an `error` event and the sync goes on.
    """
    try:
        message, info = read(raw)
    except Exception as exc:  # untrusted bytes: a parser bug on one message must not stop the sync
        return _error(session, where, "sha256:" + hashlib.sha256(raw).hexdigest(), exc)
    if _already_recorded(session, where.mailbox, info.key):
        return []
    try:
        with session.begin_nested():
            bounces = parse_bounce(message)
            if bounces is not None:
                return [_bounce(session, where, info, bounce) for bounce in bounces]
            return _answer(session, where, info)
    except IntegrityError as exc:
        if _already_recorded(session, where.mailbox, info.key):
            return []  # another sync (the app's, a cron job's) recorded it first; its effects stand
        return _error(session, where, info.key, exc)
    except Exception as exc:  # as above: record the failure, roll back this message, go on
        return _error(session, where, info.key, exc)


def _already_recorded(session: Session, mailbox: str, key: str) -> bool:
    """Whether any event came from this message already (a rescan after a UIDVALIDITY change)."""
    query = select(InboundEvent.id).where(col(InboundEvent.mailbox) == mailbox,
                                          col(InboundEvent.message_key) == key)
    return session.exec(query.limit(1)).first() is not None


def thread_match(session: Session, info: InboundMessage) -> tuple[OutboxMessage | None, str | None]:
    """The sent message this one answers (In-Reply-To first, then References, newest last)."""
    if not info.thread_ids:
        return None, None
    found = {message.message_id: message for message in outbox.find_by_message_ids(session, info.thread_ids)}
    for message_id in info.thread_ids:
        if message_id in found:
            return found[message_id], ("in-reply-to" if message_id in info.replies_to else "references")
    return None, None


def _prospect(session: Session, sent: OutboxMessage | None, address: str, campaign_id: int | None,
              ) -> Prospect | None:
    """The prospect a message is about: the sent message's, else one with the address (ours first)."""
    if sent is not None:
        return session.get(Prospect, sent.prospect_id)
    found = prospects_with_email(session, address)
    return next((p for p in found if p.campaign_id == campaign_id), found[0] if found else None)


def _answer(session: Session, where: Where, info: InboundMessage) -> list[InboundEvent]:
    """A message a person (or their auto-responder) sent us: reply, auto-reply or unsubscribe."""
    if info.message_id and outbox.find_by_message_ids(session, [info.message_id]):
        return []  # our own message (a copy kept in this folder), not an answer
    sent, how = thread_match(session, info)
    prospect = _prospect(session, sent, info.sender, where.campaign_id)
    if sent is None and prospect is None:
        return []  # neither about a pitch nor from a prospect: not ours to record
    snippet = {"text": info.text[:SNIPPET]}
    if info.auto_reason:
        return [_event(session, where, info, "auto-reply", info.sender, sent, prospect, how,
                       {**snippet, "reason": info.auto_reason})]
    request = unsubscribe_request(info)
    if request is not None:
        effects = on_unsubscribe(session, request, sent, where.actor)
        detail = {**snippet, "language": request.language, "phrase": request.phrase, "effects": effects}
        how = how or "sender"
        return [_event(session, where, info, "unsubscribe", info.sender, sent, prospect, how, detail)]
    effects = on_reply(session, sent, where.actor) if sent is not None else []
    return [_event(session, where, info, "reply", info.sender, sent, prospect, how or "sender",
                   {**snippet, "effects": effects})]


def _bounce(session: Session, where: Where, info: InboundMessage, bounce: Bounce) -> InboundEvent:
    """One failed recipient of a bounce report."""
    sent = None
    if bounce.original_message_id:
        matches = outbox.find_by_message_ids(session, [bounce.original_message_id])
        sent = matches[0] if matches else None
    prospect = _prospect(session, sent, bounce.recipient, where.campaign_id)
    effects = on_bounce(session, bounce, sent, where.actor)
    detail = {"status": bounce.status, "diagnostic": bounce.diagnostic, "shape": bounce.shape,
              "original_message_id": bounce.original_message_id, "effects": effects}
    how = "message-id" if sent is not None else ("recipient" if prospect is not None else None)
    kind = f"{bounce.kind}-bounce"
    return _event(session, where, info, kind, bounce.recipient, sent, prospect, how, detail)


def _event(session: Session, where: Where, info: InboundMessage, kind: str, address: str,
           sent: OutboxMessage | None, prospect: Prospect | None, how: str | None,
           detail: dict[str, Any]) -> InboundEvent:
    """Add one event, tied to the campaign, market, prospect, request and sent message it concerns."""
    event = InboundEvent(
        mailbox=where.mailbox, folder=where.folder, uidvalidity=where.uidvalidity, uid=where.uid,
        message_key=_clean(info.key), kind=kind, address=_clean(address),
        campaign_id=sent.campaign_id if sent else (prospect.campaign_id if prospect else None),
        market=sent.market if sent else (prospect.market if prospect else None),
        prospect_id=prospect.id if prospect else None, request_id=sent.request_id if sent else None,
        outbox_id=sent.id if sent else None, matched_by=how, subject=_clean(info.subject[:300]),
        received_at=info.sent_at, detail={key: _clean(value) if isinstance(value, str) else value
                                          for key, value in detail.items()})
    session.add(event)
    session.flush()
    return event


def _clean(text: str) -> str:
    """Text without NUL characters, which PostgreSQL cannot store (a decoded header may carry one)."""
    return text.replace("\x00", "")


def _error(session: Session, where: Where, key: str, exc: Exception) -> list[InboundEvent]:
    """Record that a message could not be read or applied (once), naming the folder and UID."""
    if _already_recorded(session, where.mailbox, key):
        return []
    event = InboundEvent(mailbox=where.mailbox, folder=where.folder, uidvalidity=where.uidvalidity,
                         uid=where.uid, message_key=_clean(key), kind="error",
                         detail={"error": _clean(f"{type(exc).__name__}: {exc}"[:500])})
    session.add(event)
    session.flush()
    return [event]
