"""Composing follow-ups as a sequence advances: once a message has gone, the next follow-up is rendered
from approved text, composed and queued in the slot its plan booked, or later to keep its delay.

Rendering when the message before has gone (not when the pitch is scheduled) keeps scheduling to the
pitch's cost, times each follow-up from a real send, and lets a reply stop a follow-up before it
exists. The sender calls this after each batch it settles and sweeps what is left when idle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlmodel import Session, col

from outreach.core import audit, dnc, followup_plan
from outreach.core.bulk import bulk_insert
from outreach.core.campaign import Campaign
from outreach.core.compose import new_message_id, reply_prefix, reply_subject
from outreach.core.compose_skeleton import Skeleton
from outreach.core.followup_texts import FollowupTexts
from outreach.core.models import LinkRequest, Prospect, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.send_accounts import MailboxSettings, mailbox_named
from outreach.core.sequence import keep_delay
from outreach.core.templates import Renderer
from outreach.errors import NotFoundError, SendingError, TemplateError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
SWEEP = 500
"""Sent messages examined per query."""
CHUNK = 5000
"""Ids per `IN (…)` list (SQLite limits bound parameters)."""
_SOURCE = (OUTBOX.c.id, OUTBOX.c.campaign_id, OUTBOX.c.request_id, OUTBOX.c.prospect_id, OUTBOX.c.market,
           OUTBOX.c.step, OUTBOX.c.mailbox, OUTBOX.c.message_id, OUTBOX.c.thread_root, OUTBOX.c.recipient,
           OUTBOX.c.recipient_domain, OUTBOX.c.timezone, OUTBOX.c.sent_at, OUTBOX.c.planned_followups)
_NEW_ROW = ("campaign_id", "request_id", "prospect_id", "market", "step", "mailbox", "message_id",
            "thread_root", "sender", "recipient", "recipient_domain", "timezone", "subject", "send_at",
            "delay_days", "content", "content_sha256", "smtputf8", "planned_followups")


@dataclass
class FollowupReport:
    """What one pass did: follow-ups queued, sequences ended, and why the rest still wait."""

    composed: int = 0
    ended: Counter[str] = field(default_factory=Counter)
    """Sequences whose plan was dropped, by reason (the request moved on, do-not-contact, bad data)."""
    waiting: Counter[str] = field(default_factory=Counter)
    """Follow-ups left for a later pass, by reason (text not approved, mailbox missing)."""
    last_id: int = 0
    """The highest sent message examined (a sweep's keyset)."""
    examined: int = 0


@dataclass
class _Pass:
    """One pass's shared state: the campaign, its texts and skeletons, and what it found."""

    session: Session
    campaign: Campaign
    mailboxes: Sequence[MailboxSettings]
    texts: FollowupTexts
    blocklist: dnc.Blocklist
    now: datetime
    actor: str
    report: FollowupReport = field(default_factory=FollowupReport)
    skeletons: dict[tuple[str, str], Skeleton] = field(default_factory=dict)
    refusals: dict[tuple[str, int], str | None] = field(default_factory=dict)
    """Per (market, follow-up number), why its current text cannot go, checked once per pass."""
    taken: list[int] = field(default_factory=list)
    """Messages whose plan the pass used up (composed or ended), cleared together."""
    queued: list[tuple[Any, ...]] = field(default_factory=list)
    """The follow-ups composed, inserted together."""


def compose_followups(session: Session, campaign: Campaign, campaign_id: int,
                      mailboxes: Sequence[MailboxSettings], *, renderer: Renderer | None = None,
                      ids: Sequence[int] | None = None, after_id: int = 0, limit: int = SWEEP,
                      now: datetime | None = None, actor: str = "sender") -> FollowupReport:
    """Queue the next follow-up of each sent message of the campaign that still carries a plan (only
    these ids, when given; else up to `limit` after `after_id`), in the caller's transaction."""
    session.flush()  # the Core read below does not see pending ORM changes on its own
    rows = _sources(session, campaign_id, ids, after_id, limit)
    if not rows:
        return FollowupReport(last_id=after_id)
    texts = FollowupTexts(session, campaign, renderer or Renderer(campaign))
    work = _Pass(session, campaign, mailboxes, texts, dnc.Blocklist.load(session), now or utcnow(), actor)
    requests = _requests(session, [row.request_id for row in rows])
    prospects = _prospects(session, [row.prospect_id for row in rows])
    for row in rows:
        _advance(work, row, requests.get(row.request_id), prospects.get(row.prospect_id))
    _write(work)
    work.report.examined, work.report.last_id = len(rows), max(row.id for row in rows)
    return work.report


def sweep_followups(session: Session, campaign: Campaign, campaign_id: int,
                    mailboxes: Sequence[MailboxSettings], *, renderer: Renderer | None = None,
                    now: datetime | None = None) -> FollowupReport:
    """Every pending follow-up of the campaign, a query at a time (what a crash or a wait left)."""
    total, after = FollowupReport(), 0
    renderer = renderer or Renderer(campaign)
    while True:
        part = compose_followups(session, campaign, campaign_id, mailboxes, renderer=renderer,
                                 after_id=after, now=now)
        total.composed += part.composed
        total.ended.update(part.ended)
        total.waiting.update(part.waiting)
        total.examined += part.examined
        if part.examined < SWEEP:
            return total
        after = part.last_id


def _sources(session: Session, campaign_id: int, ids: Sequence[int] | None, after_id: int,
             limit: int) -> list[Any]:
    """Sent messages with a plan, locked on PostgreSQL so two senders never compose the same one."""
    query = select(*_SOURCE).where(OUTBOX.c.state == "sent", OUTBOX.c.planned_followups.is_not(None),
                                   OUTBOX.c.campaign_id == campaign_id)
    if ids is not None:
        query = query.where(OUTBOX.c.id.in_(list(ids)))
    else:
        query = query.where(OUTBOX.c.id > after_id).order_by(OUTBOX.c.id).limit(limit)
    if session.connection().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.connection().execute(query).all())


def _requests(session: Session, ids: list[int]) -> dict[int, Any]:
    """The requests' state, subject, page and anchor, by id."""
    if not ids:
        return {}
    query = select(REQUESTS.c.id, REQUESTS.c.state, REQUESTS.c.subject, REQUESTS.c.page_url,
                   REQUESTS.c.anchor).where(REQUESTS.c.id.in_(ids))
    return {row.id: row for row in session.connection().execute(query)}


def _prospects(session: Session, ids: list[int]) -> dict[int, Prospect]:
    """The prospects the follow-ups are rendered for, by id."""
    if not ids:
        return {}
    query = select(Prospect).where(col(Prospect.id).in_(ids))
    return {prospect.id or 0: prospect for prospect in session.scalars(query)}


def _advance(work: _Pass, row: Any, request: Any, prospect: Prospect | None) -> None:
    """Queue this message's next follow-up, end its sequence with why, or leave it for later."""
    ended = _why_ended(work, row, request, prospect)
    if ended or prospect is None:
        _end(work, row, ended or "its prospect is gone")
        return
    number, tag = row.step + 1, row.market
    try:
        box = _mailbox(work, row)
    except SendingError as exc:  # a person fixes these; the plan waits
        work.report.waiting[str(exc)] += 1
        return
    refused = _refusal(work, tag, number)
    if refused:
        work.report.waiting[refused] += 1
        return
    try:
        context = work.texts.renderer.context(tag, prospect, request.page_url, request.anchor)
        body = work.texts.body(tag, number, context)
    except (TemplateError, NotFoundError) as exc:  # this prospect's data cannot fill the approved text
        _end(work, row, f"followup-{number} cannot be rendered: {exc}")
        return
    except SendingError as exc:  # the text changed between the check and the rendering
        work.report.waiting[str(exc)] += 1
        return
    _queue(work, row, request, prospect, box, body)


def _refusal(work: _Pass, tag: str, number: int) -> str | None:
    """Why the market's follow-up text cannot go now (not approved, does not compile), once per pass."""
    key = (tag, number)
    if key not in work.refusals:
        try:
            work.texts.check(tag, number)
        except (SendingError, TemplateError) as exc:
            work.refusals[key] = str(exc)
        else:
            work.refusals[key] = None
    return work.refusals[key]


def _why_ended(work: _Pass, row: Any, request: Any, prospect: Prospect | None) -> str | None:
    """Why this sequence goes no further, or None."""
    if request is None or prospect is None:
        return "its request or prospect is gone"
    if request.state != "sent":
        return f"request {request.state}"
    if row.market not in work.campaign.markets:
        return f"market {row.market} is no longer in the campaign"
    blocked = work.blocklist.blocks(row.recipient, prospect.host) or work.blocklist.suppresses(
        row.recipient, prospect.host)
    return "dnc" if prospect.do_not_contact or blocked else None


def _mailbox(work: _Pass, row: Any) -> MailboxSettings:
    """The mailbox that sent the message before, else the market's (the one before left settings)."""
    box = mailbox_named(list(work.mailboxes), row.mailbox)
    if box is None:
        name = work.campaign.sending_for(row.market).mailbox
        box = mailbox_named(list(work.mailboxes), name)
        if box is None:
            raise SendingError(f"{row.market} follow-ups: neither mailbox '{row.mailbox}' nor '{name}' "
                               "is in settings")
    return box


def _queue(work: _Pass, row: Any, request: Any, prospect: Prospect, box: MailboxSettings, body: str) -> None:
    """Compose the follow-up, take the plan off the message before and queue it with the rest."""
    steps = followup_plan.decode(row.planned_followups)
    sending = work.campaign.sending_for(row.market)
    market = work.campaign.market(row.market)
    try:
        when = keep_delay(work.campaign, row.market, row.timezone, steps[0].delay_days, row.sent_at,
                          steps[0].send_at, row.id)
        subject = reply_subject(request.subject or "", reply_prefix(market.language, sending.reply_prefix))
        message_id, token = new_message_id(box.own_domain)
        root = row.thread_root or row.message_id
        composed = _skeleton(work, box, row.market).compose(row.recipient, prospect.contact_name, subject,
                                                             body, message_id, token, root)
    except (SendingError, TemplateError) as exc:
        _end(work, row, f"followup-{row.step + 1} cannot be composed: {exc}")
        return
    work.taken.append(row.id)
    work.queued.append((row.campaign_id, row.request_id, row.prospect_id, row.market, row.step + 1, box.name,
                        message_id, root, box.from_address, row.recipient, row.recipient_domain, row.timezone,
                        subject, when, steps[0].delay_days, composed.content, composed.sha256,
                        composed.smtputf8, followup_plan.encode(steps[1:])))
    work.report.composed += 1


def _skeleton(work: _Pass, box: MailboxSettings, tag: str) -> Skeleton:
    """The shared header lines of what `box` sends for a market, built once per pass."""
    key = (box.name, tag)
    if key not in work.skeletons:
        work.skeletons[key] = Skeleton.for_mailbox(box, work.campaign.sending_for(tag))
    return work.skeletons[key]


def _write(work: _Pass) -> None:
    """Clear the plans the pass used up and insert the follow-ups it composed.

    The rows were read under a lock (SKIP LOCKED on PostgreSQL; on SQLite a write after another
    writer's commit fails), so every plan is still there; a count that differs means the store was
    changed underneath, and the whole pass rolls back rather than compose a follow-up twice."""
    if not work.taken:
        return
    connection = work.session.connection()
    for start in range(0, len(work.taken), CHUNK):
        ids = work.taken[start:start + CHUNK]
        cleared = connection.execute(update(OUTBOX).where(
            OUTBOX.c.id.in_(ids), OUTBOX.c.planned_followups.is_not(None)).values(planned_followups=None))
        if cleared.rowcount != len(ids):
            raise SendingError("follow-up plans changed while they were composed: run again")
    bulk_insert(connection, OUTBOX, _NEW_ROW, work.queued,
                {"state": "scheduled", "manual": False, "attempts": 0, "created_at": work.now,
                 "updated_at": work.now})


def _end(work: _Pass, row: Any, reason: str) -> None:
    """Drop the sequence's plan with why, audited (the message itself keeps its state)."""
    work.taken.append(row.id)
    steps = list(range(row.step + 1, row.step + 1 + followup_plan.count(row.planned_followups)))
    audit.record(work.session, actor=work.actor, action="outbox.stop", object_type="request",
                 object_id=row.request_id, campaign_id=row.campaign_id,
                 detail={"request": row.request_id, "reason": reason, "steps": steps, "planned": True})
    work.report.ended[reason.split(":")[0]] += 1
