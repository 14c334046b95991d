"""What `outreach report`, the client exports and the app's dashboard show, gathered once.

Per market and per URL version: placements; anchor classes and local share against the plan;
new links per month against the velocity cap; the pipeline funnel; reply rates per template and
locale; new and lost links per quarter; the link changes the checks found. The funnel and reply
rates read request states and prospect stages (what the store has now); once the outbox and
mailbox record sends and replies, those rates can count messages instead of requests.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.headroom import MarketRoom, market_room
from outreach.core.models import LinkChange, LinkRequest, Placement, Prospect
from outreach.core.placement_list import PlacementView, list_placements
from outreach.core.rules_mix import share_band

ANCHOR_CLASSES = ("branded", "naked-url", "generic", "partial", "exact", "other")
DEFAULT_ANCHOR_PLAN = {"branded": 0.40, "naked-url": 0.20, "generic": 0.15, "partial": 0.15, "exact": 0.05,
                       "other": 0.05}
"""The planned anchor mix when no ramp is accepted (the suggested defaults of the SEO reference)."""
PITCHED = ("sent", "replied", "won", "lost")
"""Request states after the pitch went out."""
ANSWERED = ("replied", "won")
MONTHS = 12
QUARTERS = 8


@dataclass(frozen=True)
class ClassShare:
    """One anchor class on a URL version: live links, their share, and the planned share."""

    anchor_class: str
    links: int
    share: float | None
    planned: float | None


@dataclass(frozen=True)
class VersionReport:
    """One URL version (target page): its live links by anchor class and locality, against plan."""

    url: str
    name: str
    live: int
    lost: int
    anchors: list[ClassShare]
    anchor_plan: str
    """Where the planned mix comes from: the accepted ramp or the defaults."""
    localities: dict[str, int]
    local_share: float | None
    band: tuple[float, float]
    band_name: str
    monthly: list[int]
    """New links per month, aligned with the market's `months`."""


@dataclass(frozen=True)
class Funnel:
    """A market's pipeline: prospects, those pitched, those that replied, those won."""

    prospects: int
    pitched: int
    replied: int
    won: int


@dataclass(frozen=True)
class ReplyRate:
    """Pitches sent and answered for one template in one locale (market)."""

    template: str
    locale: str
    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        """Answered over sent."""
        return self.answered / self.sent if self.sent else None


@dataclass(frozen=True)
class MarketReport:
    """Everything one market's report and dashboard show."""

    tag: str
    versions: list[VersionReport]
    months: list[str]
    monthly: list[int]
    cap_30d: int
    funnel: Funnel
    rates: list[ReplyRate]
    quarters: list[tuple[str, int, int]]
    """(quarter, new links, lost links)."""
    placements: list[PlacementView]
    changes: list[LinkChange]
    room: MarketRoom | None = None


@dataclass(frozen=True)
class Report:
    """The campaign's report: one section per market."""

    campaign: str
    today: date
    markets: list[MarketReport] = field(default_factory=list)


def month_labels(today: date, count: int = MONTHS) -> list[str]:
    """`YYYY-MM` of the last `count` months, oldest first, this month last."""
    labels = []
    year, month = today.year, today.month
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def quarter_of(day: date) -> str:
    """`YYYY-Qn`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def anchor_plan(market: Market, page: TargetPage) -> tuple[dict[str, float], str]:
    """Planned share per anchor class on a page: its accepted ramp's anchors, else the defaults."""
    counts: Counter[str] = Counter()
    for period in market.ramp:
        if period.page == page.url:
            counts.update(period.anchors)
    total = sum(counts.values())
    if not total:
        return DEFAULT_ANCHOR_PLAN, "default mix"
    return {name: counts[name] / total for name in ANCHOR_CLASSES}, "accepted ramp"


def version_report(campaign: Campaign, market: Market, page: TargetPage, rows: list[Placement],
                   months: list[str]) -> VersionReport:
    """One URL version's figures from its placements."""
    live = [row for row in rows if row.status == "live"]
    classes = Counter(row.anchor_class for row in live)
    plan, source = anchor_plan(market, page)
    total = len(live)
    anchors = [ClassShare(name, classes[name], classes[name] / total if total else None, plan.get(name))
               for name in ANCHOR_CLASSES]
    localities = Counter(row.locality for row in live)
    low, high, band_name = share_band(page, campaign.rules_for(market.tag).local_mix)
    by_month = Counter(row.found_on.strftime("%Y-%m") for row in rows)
    return VersionReport(page.url, page.name or page.url, total, len(rows) - total, anchors, source,
                         dict(localities), localities["local"] / total if total else None, (low, high),
                         band_name, [by_month[label] for label in months])


STAGES_PAST = {"pitched": ("pitched", "replied", "won", "lost"), "replied": ("replied", "won"),
               "won": ("won",)}
"""Prospect stages that show a prospect got at least this far."""


def funnel(session: Session, campaign_id: int, market: str) -> Funnel:
    """Distinct prospects at each step, from their stages and their requests' states."""
    stage_of = dict(session.exec(select(Prospect.id, Prospect.stage).where(
        col(Prospect.campaign_id) == campaign_id, col(Prospect.market) == market)).all())
    states: dict[int, set[str]] = {}
    for prospect_id, state in session.exec(select(LinkRequest.prospect_id, LinkRequest.state).where(
            col(LinkRequest.campaign_id) == campaign_id, col(LinkRequest.market) == market)):
        states.setdefault(prospect_id, set()).add(state)
    request_states = {"pitched": PITCHED, "replied": ANSWERED, "won": ("won",)}

    def reached(step: str) -> int:
        return sum(1 for pid, stage in stage_of.items()
                   if stage in STAGES_PAST[step] or states.get(pid or 0, set()) & set(request_states[step]))

    return Funnel(len(stage_of), reached("pitched"), reached("replied"), reached("won"))


def reply_rates(session: Session, campaign_id: int, market: str) -> list[ReplyRate]:
    """Sent and answered pitches per template in a market (its locale)."""
    query = (select(LinkRequest.template, LinkRequest.state, func.count())
             .where(col(LinkRequest.campaign_id) == campaign_id, col(LinkRequest.market) == market,
                    col(LinkRequest.state).in_(PITCHED))
             .group_by(col(LinkRequest.template), col(LinkRequest.state)))
    sent: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for template, state, count in session.exec(query):
        sent[template] += count
        answered[template] += count if state in ANSWERED else 0
    return [ReplyRate(template, market, sent[template], answered[template]) for template in sorted(sent)]


def quarters(rows: list[Placement], changes: list[LinkChange], today: date) -> list[tuple[str, int, int]]:
    """New and lost links per quarter, the last QUARTERS quarters that have any, oldest first."""
    new = Counter(quarter_of(row.found_on) for row in rows)
    lost = Counter(quarter_of(change.at.date()) for change in changes if change.kind == "lost")
    labels = sorted({*new, *lost, quarter_of(today)})[-QUARTERS:]
    return [(label, new[label], lost[label]) for label in labels]


def market_report(session: Session, campaign: Campaign, campaign_id: int, tag: str, today: date, *,
                  headroom: bool = False) -> MarketReport:
    """One market's report."""
    market = campaign.market(tag)
    views = list_placements(session, campaign_id, market.tag)
    rows = [view.placement for view in views]
    changes = list(session.exec(select(LinkChange).where(
        col(LinkChange.campaign_id) == campaign_id, col(LinkChange.market) == market.tag)
        .order_by(col(LinkChange.at).desc(), col(LinkChange.id).desc())))
    months = month_labels(today)
    by_month = Counter(row.found_on.strftime("%Y-%m") for row in rows)
    versions = [version_report(campaign, market, page, [row for row in rows if row.page_url == page.url],
                               months) for page in market.pages]
    return MarketReport(
        market.tag, versions, months, [by_month[label] for label in months],
        campaign.rules_for(market.tag).velocity.placements_30d, funnel(session, campaign_id, market.tag),
        reply_rates(session, campaign_id, market.tag), quarters(rows, changes, today), views, changes,
        market_room(session, campaign, campaign_id, market.tag, now=datetime.combine(today, time(12), UTC))
        if headroom else None)


def gather_report(session: Session, campaign: Campaign, campaign_id: int, today: date,
                  markets: list[str] | None = None, *, headroom: bool = False) -> Report:
    """The report of some markets (all, by priority, when none are named)."""
    chosen = [campaign.market(tag) for tag in markets] if markets else campaign.by_priority()
    return Report(campaign.campaign.name, today, [
        market_report(session, campaign, campaign_id, market.tag, today, headroom=headroom)
        for market in chosen])
