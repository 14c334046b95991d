"""What a market can still take without breaking a rule: links this week and month, per URL version."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from outreach.core.campaign import Campaign, TargetPage
from outreach.core.gate import Scope, load_snapshot
from outreach.core.gate_inputs import Snapshot
from outreach.core.models import utcnow
from outreach.core.rule_settings import RuleSettings
from outreach.core.rules_mix import share_band


@dataclass(frozen=True)
class PageRoom:
    """One URL version: its links now and how many more of each kind its mixes allow."""

    url: str
    mix: str
    links: int
    exact: int
    branded_naked: int
    local: int
    exact_room: int
    """Exact-match anchors that fit under the block cap (if nothing else is added)."""
    other_anchor_room: int | None
    """Anchors that are neither branded nor naked before that share drops under its floor."""
    global_room: int | None
    """Non-local sources before the local share drops under the mix rule's floor (None: no floor)."""
    local_room: int | None
    """Local sources before the local share passes the mix rule's ceiling (None: no ceiling)."""


@dataclass(frozen=True)
class MarketRoom:
    """A market's headroom: links it can take this week and this month, and why."""

    market: str
    week: int
    month: int
    limits: list[str]
    """One line per constraint with its numbers."""
    pages: list[PageRoom] = field(default_factory=list)


def _share_room(have: int, total: int, floor: float) -> int:
    """Additions that do not count toward `have` before have/total drops under `floor`."""
    if floor <= 0:
        return 10**9
    return max(0, math.floor(have / floor - total + 1e-9))


def _cap_room(have: int, total: int, cap: float) -> int:
    """Additions that count toward `have` before have/total passes `cap`."""
    if cap >= 1:
        return 10**9
    return max(0, math.floor((cap * total - have) / (1 - cap) + 1e-9))


def page_room(page: TargetPage, snap: Snapshot, settings: RuleSettings) -> PageRoom:
    """How many more links of each kind one URL version can take."""
    profile = snap.profile(page.url)
    total = sum(profile.classes.values())
    exact = profile.classes["exact"]
    safe = profile.classes["branded"] + profile.classes["naked-url"]
    local = profile.localities["local"]
    low, high, _ = share_band(page, settings.local_mix)
    floor, ceiling = (low if low > 0 else None), (high if high < 1 else None)
    return PageRoom(
        page.url, page.mix, total, exact, safe, local,
        exact_room=_cap_room(exact, total, settings.anchor_mix.exact_block),
        other_anchor_room=_share_room(safe, total, settings.anchor_mix.branded_naked_min),
        global_room=_share_room(local, total, floor) if floor is not None else None,
        local_room=_cap_room(local, total, ceiling) if ceiling is not None else None)


def _market_limits(tag: str, snap: Snapshot, settings: RuleSettings) -> list[tuple[str, int, int]]:
    """(explanation, room this week, room this month) per pace constraint."""
    velocity = settings.velocity
    limits = []
    for kind in ("request", "placement"):
        week_cap, month_cap = getattr(velocity, f"{kind}s_7d"), getattr(velocity, f"{kind}s_30d")
        week, month = snap.window(tag, kind, 7), snap.window(tag, kind, 30)
        limits.append((f"{kind}s: {week}/{week_cap} in 7 days, {month}/{month_cap} in 30 days",
                       week_cap - week, month_cap - month))
    market = snap.campaign.market(tag)
    if market.launched is not None:
        day = (snap.today - market.launched).days + 1
        step = next((s for s in velocity.ramp if day <= s.until_day), None)
        if step is not None:
            room = step.links - snap.since_launch(tag)
            limits.append((f"ramp: day {day}, {snap.since_launch(tag)}/{step.links} links allowed by day "
                           f"{step.until_day}", room, room))
    swamp = _swamp_limit(tag, snap, settings)
    return [*limits, swamp] if swamp else limits


def _swamp_limit(tag: str, snap: Snapshot, settings: RuleSettings) -> tuple[str, int, int] | None:
    """Room before this market takes more than its ceiling of its language's new links."""
    rule = settings.one_language_swamp
    language = snap.campaign.market(tag).language
    group = [m.tag for m in snap.campaign.markets.values() if m.language == language]
    if len(group) < 2:
        return None
    counts = {m: snap.window(m, "placement", rule.window_days) + snap.window(m, "request", rule.window_days)
              for m in group}
    total, mine = sum(counts.values()), counts[tag]
    # It only warns once the language has min_links new links, so room lasts at least until then.
    room = max(_cap_room(mine, total, rule.ceiling), rule.min_links - total - 1)
    text = (f"one-language-swamp: {mine} of {total} new '{language}' links in {rule.window_days} days, "
            f"ceiling {rule.ceiling:.0%}")
    return text, room, room


def market_room(session: Session, campaign: Campaign, campaign_id: int, tag: str, *,
                now: datetime | None = None) -> MarketRoom:
    """The headroom of one market and each of its URL versions."""
    market = campaign.market(tag)
    pages = {page.url for page in market.pages}
    languages = {m.tag for m in campaign.markets.values() if m.language == market.language}
    scope = Scope(frozenset(pages), frozenset(), frozenset({market.tag}), frozenset(languages),
                  frozenset(), frozenset(), frozenset())
    snap = load_snapshot(session, campaign, campaign_id, scope, templates=lambda c, p: {}, pairs=set(),
                         now=now or utcnow())
    settings = campaign.rules_for(market.tag)
    limits = _market_limits(market.tag, snap, settings)
    week = max(0, min(room for _, room, _ in limits))
    month = max(0, min(room for _, _, room in limits))
    lines = [text for text, _, _ in limits]
    return MarketRoom(market.tag, week, month, lines,
                      [page_room(page, snap, settings) for page in market.pages])

