"""Rank markets by the PR lead's weighted criteria and propose a launch sequence, with reasons."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign, Market
from outreach.core.models import Prospect
from outreach.core.plan_settings import CRITERIA, Criterion

SOURCE_TYPE_TARGET = 4
"""Distinct local source types (press, trade, association...) at which variety counts as full."""
STAFF_TARGET = 2
"""Outreach staff per market at which resources count as full (with one native reviewer)."""


@dataclass
class Supply:
    """A market's local prospects: how many, how many clear its quality thresholds, which types."""

    local: int = 0
    above_threshold: int = 0
    source_types: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Score:
    """One criterion of one market: its raw value, its 0-1 score and the reason in words."""

    criterion: Criterion
    value: float | None
    score: float
    why: str


@dataclass(frozen=True)
class RankedMarket:
    """A market's place in the launch sequence and what put it there."""

    tag: str
    rank: int
    total: float
    scores: tuple[Score, ...]
    role: str
    """`pilot` for the first market, else `wave N`."""

    @property
    def missing(self) -> list[str]:
        """Criteria with no data for this market (they score 0 until entered)."""
        return [score.criterion for score in self.scores if score.value is None]


def meets(metrics: Mapping[str, float], minimum: Mapping[str, float]) -> bool:
    """Whether a prospect's metrics reach every threshold (a missing metric does not)."""
    return all(metrics.get(name, -1.0) >= level for name, level in minimum.items())


def local_supply(session: Session, campaign: Campaign, campaign_id: int) -> dict[str, Supply]:
    """Each market's local, contactable prospects against its quality thresholds."""
    supplies: defaultdict[str, Supply] = defaultdict(Supply)
    query = select(Prospect.market, Prospect.metrics, Prospect.source_type).where(
        Prospect.campaign_id == campaign_id, Prospect.locality == "local",
        col(Prospect.do_not_contact).is_(False), col(Prospect.market).in_(list(campaign.markets)))
    for tag, metrics, source_type in session.exec(query):
        supply = supplies[tag]
        supply.local += 1
        supply.above_threshold += meets(metrics or {}, campaign.rules_for(tag).quality.min)
        if source_type:
            supply.source_types.add(source_type)
    return dict(supplies)


def rank_markets(campaign: Campaign, supplies: Mapping[str, Supply]) -> list[RankedMarket]:
    """Markets ranked by the weighted sum of their criteria; ties keep campaign priority."""
    weights = campaign.planning.weights
    weight_sum = sum(weights.get(name, 0.0) for name in CRITERIA)
    top_volume = max((m.planning.search_volume or 0 for m in campaign.markets.values()), default=0)
    scored = []
    for market in campaign.by_priority():
        scores = _scores(market, supplies.get(market.tag, Supply()), top_volume,
                         campaign.planning.ecosystem_target)
        total = sum(weights.get(score.criterion, 0.0) * score.score for score in scores) / weight_sum
        scored.append((market, round(total, 4), scores))
    scored.sort(key=lambda item: -item[1])  # stable: equal totals keep priority order
    return [RankedMarket(market.tag, rank, total, scores, "pilot" if rank == 1 else _wave(rank))
            for rank, (market, total, scores) in enumerate(scored, start=1)]


def _wave(rank: int) -> str:
    """Markets after the pilot launch in waves of two, so each wave gets attention."""
    return f"wave {(rank - 2) // 2 + 1}"


def _scores(market: Market, supply: Supply, top_volume: int, ecosystem_target: int) -> tuple[Score, ...]:
    """The four criteria of one market."""
    return (_volume(market, top_volume), _competitiveness(market), _ecosystem(supply, ecosystem_target),
            _resources(market))


def _volume(market: Market, top_volume: int) -> Score:
    """Search volume relative to the campaign's largest market."""
    volume = market.planning.search_volume
    if volume is None:
        return Score("volume", None, 0.0, "search volume not entered")
    share = volume / top_volume if top_volume else 0.0
    return Score("volume", volume, share, f"{volume:,} searches/month = {share:.0%} of the largest market")


def _competitiveness(market: Market) -> Score:
    """Easier niches score higher: 1 - difficulty/100."""
    difficulty = market.planning.competitiveness
    if difficulty is None:
        return Score("competitiveness", None, 0.0, "keyword difficulty not entered")
    return Score("competitiveness", difficulty, 1 - difficulty / 100,
                 f"keyword difficulty {difficulty:g}/100")


def _ecosystem(supply: Supply, target: int) -> Score:
    """Local prospects above threshold (70%) and variety of local source types (30%)."""
    depth = min(1.0, supply.above_threshold / target)
    variety = min(1.0, len(supply.source_types) / SOURCE_TYPE_TARGET)
    why = (f"{supply.above_threshold} of {supply.local} local prospects above threshold "
           f"(mature at {target}); {len(supply.source_types)} source types")
    return Score("ecosystem", supply.above_threshold, 0.7 * depth + 0.3 * variety, why)


def _resources(market: Market) -> Score:
    """A native reviewer is required (nothing is approved without one); staff add capacity."""
    reviewers, staff = len(market.planning.reviewers), len(market.planning.staff)
    score = 0.0 if not reviewers else 0.5 + 0.5 * min(1.0, staff / STAFF_TARGET)
    why = f"{reviewers} native reviewer(s), {staff} outreach staff"
    if not reviewers:
        why += ": no reviewer, so no pitch can be approved"
    return Score("resources", reviewers + staff, score, why)


def launch_sequence(ranked: Collection[RankedMarket]) -> str:
    """The proposal in one line: `pilot es-MX, then wave 1: de-DE, es-ES, then …`."""
    groups: dict[str, list[str]] = {}
    for market in ranked:
        groups.setdefault(market.role, []).append(market.tag)
    return ", then ".join(f"{role}: {', '.join(tags)}" for role, tags in groups.items())
