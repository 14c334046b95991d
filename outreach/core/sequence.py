"""Keeping a sequence's rhythm: a follow-up goes its business-day delay after the message before it
was actually sent, even when that one went out late (retries, a pause, a person's resolution)."""

from __future__ import annotations

import random
from datetime import datetime

from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.windows import WindowCalendar

_CALENDARS: dict[tuple[int, str, str, str], WindowCalendar] = {}


def calendar_for(campaign: Campaign, market: str, timezone: str, at: datetime) -> WindowCalendar:
    """The market's window calendar in a zone from `at`'s day on, built once per day and process."""
    key = (id(campaign), market, timezone, at.date().isoformat())
    if key not in _CALENDARS:
        if len(_CALENDARS) > 256:
            _CALENDARS.clear()
        _CALENDARS[key] = WindowCalendar.build(campaign.market(market), timezone, at.date())
    return _CALENDARS[key]


def replan_next_step(session: Session, campaign: Campaign, sent: OutboxMessage, at: datetime) -> None:
    """Move the next follow-up later when it would come sooner than its delay after `at`."""
    query = select(OutboxMessage).where(col(OutboxMessage.request_id) == sent.request_id,
                                        col(OutboxMessage.step) == sent.step + 1,
                                        col(OutboxMessage.state) == "scheduled")
    following = session.exec(query).first()
    if following is None or following.manual:
        return
    calendar = calendar_for(campaign, following.market, following.timezone, at)
    day = calendar.days[calendar.add_business_days(at, following.delay_days)]
    if following.send_at >= day.windows[0][0]:
        return
    spread = random.Random(following.id).random() * day.seconds  # noqa: S311  (timing, not secrets)
    following.send_at = day.at_offset(spread).replace(microsecond=0)
    following.updated_at = at
    session.add(following)
