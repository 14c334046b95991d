"""Composing follow-ups as a sequence advances: once a message has gone, the next follow-up is rendered
from approved text, composed and queued in the slot its plan booked, or later to keep its delay.

Rendering when the message before has gone (not when the pitch is scheduled) keeps scheduling to the
pitch's cost, times each follow-up from a real send, and lets a reply stop a follow-up before it
exists. The sender sweeps when it starts, every few hundred sends, and when a run ends or idles.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlmodel import Session, col

from outreach.core import dnc
from outreach.core.bulk import bulk_insert
from outreach.core.campaign import Campaign
from outreach.core.followup_pass import FollowupReport, Pass, advance
from outreach.core.followup_texts import FollowupTexts
from outreach.core.models import LinkRequest, Prospect, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.send_accounts import MailboxSettings
from outreach.core.templates import Renderer
from outreach.errors import SendingError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
__all__ = ["FollowupReport", "compose_followups", "sweep_followups"]
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
    work = Pass(session, campaign, mailboxes, texts, dnc.Blocklist.load(session), now or utcnow(), actor)
    requests = _requests(session, [row.request_id for row in rows])
    prospects = _prospects(session, [row.prospect_id for row in rows])
    for row in rows:
        advance(work, row, requests.get(row.request_id), prospects.get(row.prospect_id))
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


def _write(work: Pass) -> None:
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
