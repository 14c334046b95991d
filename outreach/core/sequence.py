"""Keeping a sequence's rhythm: a follow-up goes its business-day delay after the message before it
was actually sent, even when that one went out late (retries, a pause, a person's resolution)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.windows import WindowCalendar

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_CALENDARS: dict[tuple[int, str, str, str], WindowCalendar] = {}


def calendar_for(campaign: Campaign, market: str, timezone: str, at: datetime) -> WindowCalendar:
    """The market's window calendar in a zone from `at`'s day on, built once per day and process."""
    key = (id(campaign), market, timezone, at.date().isoformat())
    if key not in _CALENDARS:
        if len(_CALENDARS) > 256:
            _CALENDARS.clear()
        _CALENDARS[key] = WindowCalendar.build(campaign.market(market), timezone, at.date())
    return _CALENDARS[key]


def replan_after(session: Session, campaign: Campaign, sent: Sequence[tuple[int, int, datetime]]) -> int:
    """After messages (request id, step, sent at) went out, move each request's next follow-up later
    when it would come sooner than its business-day delay after the real send; returns how many moved."""
    if not sent:
        return 0
    when = {(request_id, step + 1): at for request_id, step, at in sent}
    # The requests' rows are found by request id alone and filtered here: with the state in the query,
    # SQLite (without statistics) walks every scheduled message in the (state, send_at) index instead.
    requests = {key[0] for key in when}
    rows = session.execute(sa_select(OUTBOX.c.id, OUTBOX.c.request_id, OUTBOX.c.step, OUTBOX.c.state,
                                     OUTBOX.c.manual).where(OUTBOX.c.request_id.in_(requests)))
    ids = [row.id for row in rows if (row.request_id, row.step) in when and row.state == "scheduled"
           and not row.manual]
    if not ids:
        return 0
    query = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
    moved = 0
    for following in session.exec(query).all():
        at = when.get((following.request_id, following.step))
        if at is not None and _replan(campaign, following, at):
            session.add(following)
            moved += 1
    return moved


def _replan(campaign: Campaign, following: OutboxMessage, at: datetime) -> bool:
    """Give a follow-up a time in the open day `delay_days` business days after `at`, if it is sooner."""
    calendar = calendar_for(campaign, following.market, following.timezone, at)
    day = calendar.days[calendar.add_business_days(at, following.delay_days)]
    if following.send_at >= day.windows[0][0]:
        return False
    spread = random.Random(following.id).random() * day.seconds  # noqa: S311  (timing, not secrets)
    following.send_at = day.at_offset(spread).replace(microsecond=0)
    following.updated_at = at
    return True
