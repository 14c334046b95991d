"""Progress against the accepted ramp, and the monthly review: speed up, hold, or slow down."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign, Market
from outreach.core.models import LinkRequest, Placement
from outreach.core.plan_settings import PERIOD_DAYS, RampPeriod

RESPONDING_RATE = 0.20
"""A reply (or win) rate on sent pitches at or above which a market counts as responding."""
WRONG_COUNTRY_SHARE = 0.25
"""Share of a market's recent links from another campaign market's country that slows it down."""
MIN_SENT = 5
"""Pitches sent before a reply rate means anything."""
_ANSWERED = ("replied", "won")
_SENT = ("sent", "replied", "won", "lost")


@dataclass
class PeriodProgress:
    """One page and period: planned and actual links by locality, and actual anchor classes."""

    page: str
    period: int
    start: date
    end: date
    planned: RampPeriod | None
    actual: Counter[str] = field(default_factory=Counter)
    anchors: Counter[str] = field(default_factory=Counter)

    @property
    def planned_links(self) -> int:
        """Links the plan expects in the period."""
        return self.planned.links if self.planned else 0


@dataclass(frozen=True)
class Review:
    """A market's monthly review: where it stands and what to change in the next period."""

    market: str
    day: int | None
    planned_to_date: int
    actual_to_date: int
    sent: int
    answered: int
    foreign_share: float | None
    action: str
    why: str
    next_periods: tuple[RampPeriod, ...] = ()
    """The next period's plan after the action (empty when nothing changes)."""


def period_window(market: Market, number: int) -> tuple[date, date]:
    """First and last day of a ramp period."""
    assert market.launched is not None
    start = market.launched + timedelta(days=(number - 1) * PERIOD_DAYS)
    return start, start + timedelta(days=PERIOD_DAYS - 1)


def progress(session: Session, market: Market, campaign_id: int) -> list[PeriodProgress]:
    """Planned against actual placements per page and period of a launched market's ramp."""
    if market.launched is None:
        return []
    planned = {(period.page, period.period): period for period in market.ramp}
    last = max((number for _, number in planned), default=0)
    rows = {}
    for page in market.pages:
        for number in range(1, last + 1):
            start, end = period_window(market, number)
            rows[(page.url, number)] = PeriodProgress(page.url, number, start, end,
                                                      planned.get((page.url, number)))
    query = select(Placement).where(Placement.campaign_id == campaign_id, Placement.market == market.tag,
                                    col(Placement.found_on) >= market.launched)
    for placement in session.exec(query):
        number = (placement.found_on - market.launched).days // PERIOD_DAYS + 1
        row = rows.get((placement.page_url, number))
        if row is not None:
            row.actual[placement.locality] += 1
            row.anchors[placement.anchor_class] += 1
    return list(rows.values())


def _response(session: Session, campaign_id: int, tag: str) -> tuple[int, int]:
    """(pitches sent, pitches answered) in a market."""
    states = Counter(session.exec(select(LinkRequest.state).where(
        LinkRequest.campaign_id == campaign_id, LinkRequest.market == tag,
        col(LinkRequest.state).in_(_SENT))))
    return sum(states.values()), sum(states[state] for state in _ANSWERED)


def _foreign_share(session: Session, campaign: Campaign, campaign_id: int, market: Market,
                   today: date) -> float | None:
    """Share of the last 30 days' links to this market from another campaign market's country."""
    others = {other.country for other in campaign.markets.values() if other.country != market.country}
    countries = list(session.exec(select(Placement.country).where(
        Placement.campaign_id == campaign_id, Placement.market == market.tag,
        col(Placement.found_on) > today - timedelta(days=PERIOD_DAYS))))
    if not countries:
        return None
    return sum(country in others for country in countries) / len(countries)


def review(session: Session, campaign: Campaign, campaign_id: int, tag: str, today: date,
           wrong_country: bool = False) -> Review:
    """The monthly review of one market (`wrong_country`: the lead sees it rank in the wrong country)."""
    market = campaign.market(tag)
    sent, answered = _response(session, campaign_id, market.tag)
    foreign = _foreign_share(session, campaign, campaign_id, market, today)
    if market.launched is None or not market.ramp:
        return Review(market.tag, None, 0, 0, sent, answered, foreign, "plan",
                      f"{market.tag} has no launch date or no accepted ramp: run `outreach plan ramp`")
    day = (today - market.launched).days + 1
    current = max(1, (day - 1) // PERIOD_DAYS + 1)
    rows = progress(session, market, campaign_id)
    planned = sum(row.planned_links for row in rows if row.period <= current)
    actual = sum(sum(row.actual.values()) for row in rows if row.period <= current)
    action, why = _decide(sent, answered, foreign, wrong_country, planned, actual)
    upcoming = tuple(_adjust(period, action) for period in market.ramp if period.period == current + 1)
    return Review(market.tag, day, planned, actual, sent, answered, foreign, action, why,
                  upcoming if action in ("speed up", "slow down") else ())


def _decide(sent: int, answered: int, foreign: float | None, wrong_country: bool, planned: int,
            actual: int) -> tuple[str, str]:
    """Seed 001's monthly rule: wrong country → more local, responding → grow, else hold."""
    if wrong_country or (foreign is not None and foreign >= WRONG_COUNTRY_SHARE):
        seen = "the lead reports it" if wrong_country else f"{foreign:.0%} of last month's links"
        return "slow down", (f"wrong country ({seen}): pause global links next period, local links only")
    rate = answered / sent if sent else 0.0
    if sent >= MIN_SENT and rate >= RESPONDING_RATE and actual >= planned:
        return "speed up", (f"responding: {answered}/{sent} pitches answered ({rate:.0%}) and "
                            f"{actual}/{planned} planned links live: one more local link next period")
    if actual < planned:
        return "hold", f"behind plan: {actual}/{planned} links live; keep the plan, no increase"
    return "hold", f"on plan: {actual}/{planned} links live, {answered}/{sent} pitches answered"


def _adjust(period: RampPeriod, action: str) -> RampPeriod:
    """The next period after a review: one more local link, or no global links."""
    if action == "speed up":
        anchors = {**period.anchors, "branded": period.anchors.get("branded", 0) + 1}
        return period.model_copy(update={"local": period.local + 1, "anchors": anchors})
    removed = period.global_
    anchors = dict(period.anchors)
    for name in ("partial", "generic", "branded", "naked-url"):
        cut = min(removed, anchors.get(name, 0))
        anchors[name] = anchors.get(name, 0) - cut
        removed -= cut
    return period.model_copy(update={"global_": 0,
                                     "anchors": {name: count for name, count in anchors.items() if count}})


def apply_review(market: Market, result: Review) -> tuple[RampPeriod, ...]:
    """The market's whole ramp with the review's next-period changes in place."""
    changed = {(period.page, period.period): period for period in result.next_periods}
    return tuple(changed.get((period.page, period.period), period) for period in market.ramp)
