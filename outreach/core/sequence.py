"""Keeping a sequence's rhythm: a follow-up goes its business-day delay after the message before it
was actually sent, even when that one went out late (retries, a pause, a person's resolution)."""

from __future__ import annotations

import random
from datetime import datetime

from outreach.core.campaign import Campaign
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


def keep_delay(campaign: Campaign, market: str, timezone: str, delay_days: int, sent_at: datetime,
               planned: datetime, seed: int) -> datetime:
    """`planned`, unless it comes before the open day `delay_days` business days after `sent_at`: then
    a time spread over that day (seeded, so the same message always gets the same time)."""
    calendar = calendar_for(campaign, market, timezone, sent_at)
    day = calendar.days[calendar.add_business_days(sent_at, delay_days)]
    if planned >= day.windows[0][0]:
        return planned
    spread = random.Random(seed).random() * day.seconds  # noqa: S311  (timing, not secrets)
    return day.at_offset(spread).replace(microsecond=0)
