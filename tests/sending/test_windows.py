"""Send windows: business days and hours, holidays by country and subdivision, DST, recipient zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from outreach.core.campaign import Market
from outreach.core.windows import WindowCalendar, holiday_dates, local_instant
from outreach.errors import SendingError

MADRID, MEXICO = ZoneInfo("Europe/Madrid"), ZoneInfo("America/Mexico_City")


def market(tag: str = "es-ES", **fields: Any) -> Market:
    values: dict[str, Any] = {"tag": tag, "timezone": "Europe/Madrid", "business_hours": ["09:30-11:30"],
                              "business_days": ["mon", "tue", "wed", "thu"]}
    return Market.model_validate({**values, **fields})


def test_es_md_has_madrid_holidays_that_es_alone_lacks() -> None:
    madrid, spain = holiday_dates("ES-MD", 2025), holiday_dates("ES", 2025)
    assert date(2025, 5, 2) in madrid and date(2025, 5, 2) not in spain
    assert spain < madrid


def test_mexico_skips_revolution_day_and_the_weekend() -> None:
    calendar = WindowCalendar.build(market("es-MX", timezone="America/Mexico_City"), None, date(2025, 11, 14))
    friday_evening = datetime(2025, 11, 14, 20, tzinfo=UTC)
    first = calendar.next_open(friday_evening)
    assert first.astimezone(MEXICO) == datetime(2025, 11, 18, 9, 30, tzinfo=MEXICO)


def test_madrid_opens_on_monday_morning_local_time() -> None:
    calendar = WindowCalendar.build(market(holidays="ES-MD"), None, date(2025, 11, 14))
    first = calendar.next_open(datetime(2025, 11, 14, 20, tzinfo=UTC))
    assert first.astimezone(MADRID) == datetime(2025, 11, 17, 9, 30, tzinfo=MADRID)


def test_a_subdivision_holiday_is_skipped_only_with_the_subdivision() -> None:
    friday_may_2 = datetime(2025, 5, 1, 22, tzinfo=UTC)
    every_day = {"business_days": ["mon", "tue", "wed", "thu", "fri"]}
    with_madrid = WindowCalendar.build(market(holidays="ES-MD", **every_day), None, date(2025, 5, 1))
    national = WindowCalendar.build(market(**every_day), None, date(2025, 5, 1))
    assert national.next_open(friday_may_2).astimezone(MADRID).date() == date(2025, 5, 2)
    assert with_madrid.next_open(friday_may_2).astimezone(MADRID).date() == date(2025, 5, 5)


def test_the_recipient_zone_moves_the_window_not_the_business_days() -> None:
    mx = market("es-MX", timezone="America/Mexico_City")
    capital = WindowCalendar.build(mx, None, date(2025, 11, 17))
    tijuana = WindowCalendar.build(mx, "America/Tijuana", date(2025, 11, 17))
    start = datetime(2025, 11, 18, 0, tzinfo=UTC)
    assert capital.next_open(start) == datetime(2025, 11, 18, 15, 30, tzinfo=UTC)
    assert tijuana.next_open(start) == datetime(2025, 11, 18, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(("day", "wall", "expected_utc"), [
    (date(2025, 3, 30), time(2, 30), datetime(2025, 3, 30, 1, 30, tzinfo=UTC)),
    (date(2025, 10, 26), time(2, 30), datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
    (date(2025, 7, 1), time(9, 30), datetime(2025, 7, 1, 7, 30, tzinfo=UTC)),
], ids=["spring-gap-moves-forward", "autumn-overlap-takes-the-first", "summer"])
def test_dst_gaps_and_overlaps_become_one_real_instant(day: date, wall: time, expected_utc: datetime) -> None:
    instant = local_instant(day, wall, MADRID)
    assert instant == expected_utc
    if day == date(2025, 3, 30):
        assert instant.astimezone(MADRID).time() == time(3, 30)


def test_a_window_across_the_spring_gap_is_an_hour_shorter() -> None:
    night = market(business_hours=["01:00-04:00"], business_days=["sun"])
    calendar = WindowCalendar.build(night, None, date(2025, 3, 29))
    gap_day = next(day for day in calendar.days if day.day == date(2025, 3, 30))
    normal = next(day for day in calendar.days if day.day == date(2025, 4, 6))
    assert (gap_day.seconds, normal.seconds) == (2 * 3600, 3 * 3600)


def test_several_windows_a_day_are_laid_end_to_end() -> None:
    split = market(business_hours=["09:30-11:30", "16:00-18:00"])
    calendar = WindowCalendar.build(split, None, date(2025, 11, 17))
    day = calendar.days[0]
    assert day.seconds == 4 * 3600
    assert day.at_offset(2 * 3600 + 60).astimezone(MADRID).time() == time(16, 1)
    lunch = datetime(2025, 11, 17, 13, tzinfo=MADRID)
    assert calendar.next_open(lunch).astimezone(MADRID).time() == time(16, 0)


def test_business_days_are_counted_over_holidays() -> None:
    mx = market("es-MX", timezone="America/Mexico_City", business_days=["mon", "tue", "wed", "thu", "fri"])
    calendar = WindowCalendar.build(mx, None, date(2025, 11, 10))
    friday = datetime(2025, 11, 14, 17, tzinfo=UTC)
    assert calendar.days[calendar.add_business_days(friday, 1)].day == date(2025, 11, 18)
    assert calendar.days[calendar.add_business_days(friday, 3)].day == date(2025, 11, 20)


def test_a_calendar_without_open_days_says_so() -> None:
    calendar = WindowCalendar.build(market(), None, date(2025, 1, 3), horizon=3)
    with pytest.raises(SendingError, match="no business day within"):
        calendar.next_open(datetime(2025, 1, 3, tzinfo=UTC))


@pytest.mark.parametrize(("local", "expected"), [
    (time(8, 0), 0.0), (time(9, 30), 0.0), (time(10, 0), 1800.0), (time(13, 0), 7200.0),
    (time(16, 30), 9000.0), (time(18, 0), None), (time(19, 0), None),
], ids=["before", "at-open", "inside-first", "between", "inside-second", "at-close", "after"])
def test_open_seconds_before_an_instant(local: time, expected: float | None) -> None:
    day = WindowCalendar.build(market(business_hours=["09:30-11:30", "16:00-18:00"]), None,
                               date(2025, 11, 17)).days[0]
    assert day.offset_of(datetime.combine(date(2025, 11, 17), local, tzinfo=MADRID)) == expected


def test_asking_for_the_same_first_day_again_gives_the_same_answer() -> None:
    calendar = WindowCalendar.build(market(), None, date(2025, 11, 14))
    late, early = datetime(2025, 11, 17, 12, tzinfo=MADRID), datetime(2025, 11, 17, 9, tzinfo=MADRID)
    answers = [calendar.first_day_index(when) for when in (late, late, early, late, early)]
    assert [calendar.days[index].day.day for index in answers] == [18, 18, 17, 18, 17]
