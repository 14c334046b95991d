"""Ramp plans per market and URL version: seed 001's 90-day plan, shaped by the competitor mix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import tomlkit

from outreach.core.campaign import Market, TargetPage
from outreach.core.campaign_edit import Edit, market_table
from outreach.core.plan_mix import GLOBAL_FIRST_TO, LOCAL_FIRST_FROM
from outreach.core.plan_settings import RampPeriod

FIRST_PERIOD_LOCAL = 2
"""Seed 001, days 1-30: two local links, anchors brand or neutral."""
LATER_PERIOD_LINKS = 3
"""Seed 001, days 31-60 and 61-90: one local plus one or two global, then grow what responds."""
PERIODS = 3
SEED_LOCAL_FLOOR = 0.6
"""Seed 001: keep at least 60% local links per market."""
ANCHORS_BY_PERIOD = (
    {"branded": 1, "naked-url": 1},
    {"branded": 1, "generic": 1, "partial": 1},
    {"branded": 1, "naked-url": 1, "partial": 1},
)
"""Anchor classes per period: brand or neutral first, a partial match only once the profile exists."""


@dataclass(frozen=True)
class MarketRamp:
    """A market's proposed ramp: its periods per page and why they look as they do."""

    market: str
    why: str
    periods: tuple[RampPeriod, ...]


def target_share(mix: str, competitor_share: float | None) -> tuple[float, str]:
    """The local share to plan for, from the page's mix rule and the competitors' mean share."""
    if competitor_share is None:
        default = {"local-first": SEED_LOCAL_FLOOR, "balanced": 0.5, "global-first": 0.3}[mix]
        return default, f"no competitor data: {mix} default {default:.0%} local"
    if mix == "local-first":
        share = max(SEED_LOCAL_FLOOR, competitor_share)
    elif mix == "balanced":
        share = min(LOCAL_FIRST_FROM, max(GLOBAL_FIRST_TO, competitor_share))
    else:
        share = min(GLOBAL_FIRST_TO, competitor_share)
    return share, f"competitors are {competitor_share:.0%} local; {mix} keeps {share:.0%}"


def market_totals(share: float) -> list[tuple[int, int]]:
    """(local, global) per 30-day period for one market, 90 days, at a planned local share."""
    total = FIRST_PERIOD_LOCAL + LATER_PERIOD_LINKS * (PERIODS - 1)
    global_total = total - round(share * total)
    second = min(LATER_PERIOD_LINKS, math.ceil(global_total / 2))
    third = min(LATER_PERIOD_LINKS, global_total - second)
    return [(FIRST_PERIOD_LOCAL, 0), (LATER_PERIOD_LINKS - second, second),
            (LATER_PERIOD_LINKS - third, third)]


def _anchors(period: int, links: int) -> dict[str, int]:
    """The period's anchor plan, trimmed or padded with branded anchors to its link count."""
    plan: dict[str, int] = {}
    for name in [*ANCHORS_BY_PERIOD[min(period, len(ANCHORS_BY_PERIOD)) - 1]][:links]:
        plan[name] = plan.get(name, 0) + 1
    plan["branded"] = plan.get("branded", 0) + max(0, links - sum(plan.values()))
    return {name: count for name, count in plan.items() if count}


def generate(market: Market, competitor_shares: dict[str, float | None]) -> MarketRamp:
    """The 90-day ramp of a market: one page at a time (seed 001), each later page a period later.

    `competitor_shares` maps page URLs to the competitors' local share for them (None: unknown).
    """
    periods: list[RampPeriod] = []
    reasons = []
    for start, page in enumerate(market.pages):
        share, why = target_share(page.mix, competitor_shares.get(page.url))
        reasons.append(f"{page.name or page.url}: {why}")
        for offset, (local, global_) in enumerate(market_totals(share)[:PERIODS - start]):
            number = start + offset + 1
            periods.append(RampPeriod(page=page.url, period=number, local=local, global_=global_,
                                      anchors=_anchors(offset + 1, local + global_)))
    if not market.pages:
        reasons.append(f"{market.tag} has no target pages")
    return MarketRamp(market.tag, "; ".join(reasons), tuple(periods))


def write_ramp(tag: str, periods: Sequence[RampPeriod]) -> Edit:
    """An edit replacing `[[markets.<tag>.ramp]]` with `periods`."""
    def edit(document: tomlkit.TOMLDocument) -> None:
        market = market_table(document, tag)
        rows = tomlkit.aot()
        for period in periods:
            row = tomlkit.table()
            row.update({"page": period.page, "period": period.period, "local": period.local,
                        "global": period.global_})
            anchors = tomlkit.inline_table()
            anchors.update(period.anchors)
            row["anchors"] = anchors
            rows.append(row)
        market["ramp"] = rows
    return edit


def write_page_mix(tag: str, page: TargetPage, rule: str, share: float) -> Edit:
    """An edit setting a page's `mix` and planned `local_share`."""
    def edit(document: tomlkit.TOMLDocument) -> None:
        for entry in market_table(document, tag).get("pages", []):
            if entry.get("url") == page.url:
                entry["mix"] = rule
                entry["local_share"] = round(share, 2)
    return edit
