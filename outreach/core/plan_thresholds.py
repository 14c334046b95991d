"""Quality thresholds from data: each market's own distribution of local prospects' metrics."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from outreach.core.campaign import Campaign
from outreach.core.models import Prospect

MIN_SAMPLE = 20
"""Local prospects with a metric below which no threshold is suggested (too few to judge)."""
KEEP_SHARE = 0.75
"""The suggestion keeps this share of the market's local supply: it cuts the weakest quarter."""
SCORE_METRICS = frozenset({"dr", "da", "as", "tf", "cf"})
"""0-100 authority scores, rounded down to a step of 5; others (traffic) to two digits."""


@dataclass(frozen=True)
class Distribution:
    """A metric over one market's local prospects: quartiles and a ten-bin histogram."""

    count: int
    minimum: float
    p25: float
    median: float
    p75: float
    p90: float
    maximum: float
    bins: tuple[tuple[float, float, int], ...]
    """(from, to, count) of equal-width bins between minimum and maximum."""


@dataclass(frozen=True)
class Suggestion:
    """A suggested threshold for one market and metric, next to the one in force."""

    market: str
    metric: str
    current: float | None
    suggested: float | None
    keeps: int
    """Local prospects the suggestion would keep."""
    distribution: Distribution | None
    why: str


def quantile(ordered: Sequence[float], share: float) -> float:
    """Linear-interpolated quantile of sorted values (the same as numpy's default)."""
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(values: Sequence[float], bins: int = 10) -> Distribution:
    """Summary and histogram of a non-empty list of values."""
    ordered = sorted(values)
    low, high = ordered[0], ordered[-1]
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for value in ordered:
        counts[min(bins - 1, int((value - low) / width))] += 1
    edges = tuple((low + index * width, low + (index + 1) * width, counts[index]) for index in range(bins))
    return Distribution(len(ordered), low, quantile(ordered, 0.25), quantile(ordered, 0.5),
                        quantile(ordered, 0.75), quantile(ordered, 0.9), high, edges)


def nice_floor(metric: str, value: float) -> float:
    """Round a threshold down to a number people write: DR 37.4 → 35, traffic 1,834 → 1,800."""
    if metric in SCORE_METRICS:
        return float(math.floor(value / 5) * 5)
    if value < 10:
        return float(math.floor(value))
    step = 10 ** (math.floor(math.log10(value)) - 1)
    return float(math.floor(value / step) * step)


def suggest(market: str, metric: str, values: Sequence[float], current: float | None) -> Suggestion:
    """The threshold that keeps the strongest three quarters of a market's local prospects."""
    if len(values) < MIN_SAMPLE:
        return Suggestion(market, metric, current, None, 0, distribution(values) if values else None,
                          f"only {len(values)} local prospects with {metric}; need {MIN_SAMPLE} to suggest")
    spread = distribution(values)
    level = nice_floor(metric, quantile(sorted(values), 1 - KEEP_SHARE))
    keeps = sum(value >= level for value in values)
    why = (f"{metric} ≥ {level:g} keeps {keeps} of {len(values)} local prospects "
           f"(median {spread.median:g}, p75 {spread.p75:g}, p90 {spread.p90:g})")
    return Suggestion(market, metric, current, level, keeps, spread, why)


def local_metrics(session: Session, campaign_id: int, market: str) -> dict[str, list[float]]:
    """Every metric's values over the market's local, contactable prospects."""
    values: defaultdict[str, list[float]] = defaultdict(list)
    query = select(Prospect.metrics).where(
        Prospect.campaign_id == campaign_id, Prospect.market == market, Prospect.locality == "local",
        col(Prospect.do_not_contact).is_(False))
    for metrics in session.exec(query):
        for name, value in (metrics or {}).items():
            values[name].append(float(value))
    return dict(values)


def suggestions(session: Session, campaign: Campaign, campaign_id: int, market: str,
                metrics: Sequence[str] = ()) -> list[Suggestion]:
    """A suggestion per metric (those asked for, else every metric the market's prospects carry)."""
    tag = campaign.market(market).tag
    values = local_metrics(session, campaign_id, tag)
    current = campaign.rules_for(tag).quality.min
    names = list(metrics) or sorted(set(values) | set(current))
    return [suggest(tag, name, values.get(name, []), current.get(name)) for name in names]
