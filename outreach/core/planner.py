"""Send times: inside the recipient's window, under each mailbox's daily cap, apart per recipient
domain, and within the market's velocity caps; planned in memory, then written in bulk."""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Table, or_, select
from sqlmodel import Session

from outreach.core import followup_plan
from outreach.core.campaign import Campaign, Market
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.send_accounts import MailboxSettings
from outreach.core.windows import OpenDay, WindowCalendar
from outreach.errors import SendingError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
DOMAIN_TRIES = 8
"""Random draws per day before a crowded recipient domain pushes a message to the next day."""


@dataclass
class Planner:
    """Places messages one by one, remembering what it (and the store) already placed."""

    campaign: Campaign
    mailboxes: dict[str, MailboxSettings]
    start: datetime
    rng: random.Random = field(default_factory=random.Random)
    per_mailbox_day: Counter[tuple[str, date]] = field(default_factory=Counter)
    per_market_day: Counter[tuple[str, date]] = field(default_factory=Counter)
    market_total: Counter[str] = field(default_factory=Counter)
    domain_times: defaultdict[str, list[datetime]] = field(default_factory=lambda: defaultdict(list))
    _calendars: dict[tuple[str, str], WindowCalendar] = field(default_factory=dict)
    _gaps: dict[str, timedelta] = field(default_factory=dict)
    _velocity: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Each market's (7-day, 30-day) pitch caps, read once."""

    def calendar(self, market: Market, timezone: str) -> WindowCalendar:
        """The market's window calendar in this zone, built once per run."""
        key = (market.tag, timezone)
        if key not in self._calendars:
            first = self.start.date() - timedelta(days=1)
            self._calendars[key] = WindowCalendar.build(market, timezone, first)
        return self._calendars[key]

    def load(self, session: Session, campaign_id: int) -> None:
        """Count what is already queued, booked or sent recently, so caps hold across scheduling runs."""
        since = self.start - timedelta(days=31)
        table = OUTBOX.c
        rows = session.execute(select(
            table.mailbox, table.market, table.step, table.recipient_domain, table.send_at, table.sent_at,
            table.campaign_id, table.planned_followups,
        ).where(or_(table.state.in_(("scheduled", "sending")), table.sent_at >= since,
                    table.planned_followups.is_not(None))))
        for mailbox, market, step, domain, send_at, sent_at, owner, plan in rows:
            when = sent_at or send_at
            self._count(mailbox, market if owner == campaign_id else None, step, domain, when)
            for booked in followup_plan.decode(plan):  # follow-ups not composed yet hold their slots
                self._count(mailbox, None, 1, domain, booked.send_at)
        for domain_list in self.domain_times.values():
            domain_list.sort()

    def _count(self, mailbox: str, market: str | None, step: int, domain: str, when: datetime,
               day: date | None = None) -> None:
        day = day or when.date()
        self.per_mailbox_day[(mailbox, day)] += 1
        if market is not None and step == 0:
            self.per_market_day[(market, day)] += 1
            self.market_total[market] += 1
        bisect.insort(self.domain_times[domain], when)

    def place_after(self, market: Market, timezone: str, mailbox: str, domain: str, previous: datetime,
                    delay: int) -> datetime:
        """A follow-up's send time `delay` business days after the message before it, booked."""
        calendar = self.calendar(market, timezone)
        index = calendar.add_business_days(previous, delay)
        return self.place(market, timezone, mailbox, domain, previous, pitch=False, day_index=index,
                          calendar=calendar)

    def place(self, market: Market, timezone: str, mailbox: str, domain: str, earliest: datetime,
              *, pitch: bool, day_index: int | None = None,
              calendar: WindowCalendar | None = None) -> datetime:
        """The send time of one message, booked in the counters; SendingError when none fits."""
        calendar = calendar or self.calendar(market, timezone)
        box = self.mailboxes[mailbox]
        gap = self._gaps.get(mailbox)
        if gap is None:
            gap = self._gaps.setdefault(mailbox, timedelta(seconds=box.domain_gap_seconds))
        index = calendar.first_day_index(earliest) if day_index is None else day_index
        for open_day in itertools.islice(calendar.days, index, None):
            floor = open_day.offset_of(earliest)
            if floor is None:
                continue
            when = self._fit(open_day, floor, domain, gap)
            if when is None:
                continue
            day = when.date()
            if not self._room(box, market, day, pitch):
                continue
            self._count(mailbox, market.tag if pitch else None, 0 if pitch else 1, domain, when, day)
            return when
        raise SendingError(f"{market.tag}: no send time fits mailbox '{mailbox}' caps and the market's "
                           f"velocity within {len(calendar.days)} business days")

    def _fit(self, open_day: OpenDay, floor: float, domain: str, gap: timedelta) -> datetime | None:
        """A random instant in the day's remaining open time, clear of the domain's other sends."""
        room = open_day.seconds - floor
        if room <= 0:
            return None
        times = self.domain_times.get(domain)
        draw = self.rng.random
        at_offset = open_day.at_offset
        for _ in range(DOMAIN_TRIES):
            # Whole seconds: windows start on the second, so this equals dropping the microseconds of
            # the instant, without a datetime.replace per draw.
            when = at_offset(int(floor + draw() * room))
            if not times or _clear(times, when, gap):
                return when
        return None

    def _room(self, box: MailboxSettings, market: Market, day: date, pitch: bool) -> bool:
        """Whether the mailbox's cap and, for a pitch, the market's velocity leave room that day."""
        if box.daily_cap is not None and self.per_mailbox_day[(box.name, day)] >= box.daily_cap:
            return False
        if not pitch:
            return True
        caps = self._velocity.get(market.tag)
        if caps is None:
            velocity = self.campaign.rules_for(market.tag).velocity
            caps = self._velocity.setdefault(market.tag, (velocity.requests_7d, velocity.requests_30d))
        if self.market_total[market.tag] < min(caps):
            return True
        week, month = caps
        return self._window_sum(market.tag, day, 7) < week and self._window_sum(market.tag, day, 30) < month

    def _window_sum(self, tag: str, day: date, days: int) -> int:
        """Pitches planned or sent in the market over the `days` days ending on `day`."""
        return sum(self.per_market_day[(tag, day - timedelta(days=back))] for back in range(days))


def _clear(times: list[datetime], when: datetime, gap: timedelta) -> bool:
    """Whether no time in the sorted list is within `gap` of `when`."""
    index = bisect.bisect_left(times, when)
    before = times[index - 1] if index else None
    after = times[index] if index < len(times) else None
    return (before is None or when - before >= gap) and (after is None or after - when >= gap)
