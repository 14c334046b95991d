"""Sending windows: a market's business days and hours, minus public holidays, in a recipient's zone.

A calendar is built once per (market, zone) and lists each open day's windows as UTC instants, so
planning 100k messages is arithmetic on prepared intervals, not time-zone maths per message.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from outreach.core.campaign import WEEKDAYS, Market
from outreach.errors import SendingError

HORIZON_DAYS = 400
"""How far ahead a calendar looks for open days (caps can push a long queue far out)."""


@cache
def holiday_dates(region: str, year: int) -> frozenset[date]:
    """Public holidays of a country (`MX`) or subdivision (`ES-MD`) in one year."""
    country, _, subdiv = region.upper().partition("-")
    try:
        found = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    except (NotImplementedError, KeyError):
        return frozenset()
    return frozenset(found.keys())


@cache
def zone(name: str) -> ZoneInfo:
    """An IANA zone by name; SendingError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SendingError(f"unknown time zone '{name}'") from None


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time: a time in a DST gap (02:30 on the spring-forward night)
    lands the gap's length later (03:30), and an ambiguous one takes its first occurrence (fold=0,
    PEP 495), so no send time is invented or repeated."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


@dataclass(slots=True)
class OpenDay:
    """One business day in a recipient's zone and its windows as UTC intervals."""

    day: date
    windows: tuple[tuple[datetime, datetime], ...]
    seconds: float = 0.0
    """Open seconds that day (computed once: planning reads it for every message)."""
    spans: tuple[tuple[datetime, datetime, float], ...] = ()
    """Each window with its length in seconds, computed once for the same reason."""

    def __post_init__(self) -> None:
        self.spans = tuple((start, end, (end - start).total_seconds()) for start, end in self.windows)
        self.seconds = sum(length for _, _, length in self.spans)

    def at_offset(self, seconds: float) -> datetime:
        """The instant `seconds` into the day's open time (windows laid end to end)."""
        for start, _, length in self.spans:
            if seconds < length:
                return start + timedelta(seconds=seconds)
            seconds -= length
        return self.windows[-1][1] - timedelta(seconds=1)

    def offset_of(self, instant: datetime) -> float | None:
        """Open seconds before `instant` that day, or None when it falls after the last window."""
        passed = 0.0
        for start, end, length in self.spans:
            if instant < end:
                return passed + (instant - start).total_seconds() if instant > start else passed
            passed += length
        return None


@dataclass
class WindowCalendar:
    """The open days of one market as seen from one time zone, from a start day on."""

    market: str
    timezone: str
    days: list[OpenDay] = field(default_factory=list)
    _starts: list[datetime] = field(default_factory=list)
    _dates: list[date] = field(default_factory=list)
    _first: tuple[datetime, int] | None = None
    """The last instant `first_day_index` answered for, and its answer (every pitch of a run asks
    for the same one)."""

    @classmethod
    def build(cls, market: Market, timezone: str | None, start: date,
              horizon: int = HORIZON_DAYS) -> WindowCalendar:
        """Business days and hours of `market`, holidays of its region skipped, in `timezone`."""
        tz = zone(timezone or market.timezone)
        weekdays = {WEEKDAYS.index(day) for day in market.business_days}
        calendar = cls(market.tag, tz.key)
        for offset in range(horizon):
            day = start + timedelta(days=offset)
            if day.weekday() not in weekdays or day in holiday_dates(market.holiday_region, day.year):
                continue
            windows = tuple(_window(day, begin, end, tz) for begin, end in market.business_hours)
            calendar.days.append(OpenDay(day, tuple(w for w in windows if w[1] > w[0])))
        calendar._starts = [day.windows[0][0] if day.windows else datetime.max.replace(tzinfo=UTC)
                            for day in calendar.days]
        calendar._dates = [day.day for day in calendar.days]
        return calendar

    def first_day_index(self, instant: datetime) -> int:
        """Index of the first open day whose last window ends after `instant`."""
        if self._first is not None and self._first[0] == instant:
            return self._first[1]
        index = max(0, bisect.bisect_right(self._starts, instant) - 1)
        while index < len(self.days) and self.days[index].offset_of(instant) is None:
            index += 1
        if index >= len(self.days):
            raise SendingError(f"{self.market}: no business day within {HORIZON_DAYS} days "
                               f"after {instant:%Y-%m-%d} in {self.timezone}")
        self._first = (instant, index)
        return index

    def next_open(self, instant: datetime) -> datetime:
        """The first instant at or after `instant` inside a window."""
        day = self.days[self.first_day_index(instant)]
        offset = day.offset_of(instant)
        return day.at_offset(offset or 0.0)

    def add_business_days(self, instant: datetime, count: int) -> int:
        """Index of the open day `count` business days after the local day of `instant`."""
        local_day = instant.astimezone(zone(self.timezone)).date()
        index = bisect.bisect_right(self._dates, local_day)
        target = index + count - 1
        if target >= len(self.days):
            raise SendingError(f"{self.market}: no business day {count} days after {local_day}")
        return target


def _window(day: date, begin: time, end: time, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """One local window of one day as UTC instants."""
    return local_instant(day, begin, tz), local_instant(day, end, tz)

