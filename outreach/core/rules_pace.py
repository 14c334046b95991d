"""Rules on a market's pace: rolling caps, the ramp for new markets, spikes, one language's markets."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, timedelta

from outreach.core.findings import Finding, Verdict, percent
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.rule_settings import RuleSettings, VelocitySettings

TRAILING_WEEKS = 8


def window(days: Counter[date] | None, end: date, length: int) -> int:
    """Links counted in the `length` days ending on `end`, inclusive."""
    start = end - timedelta(days=length - 1)
    return sum(n for day, n in (days or {}).items() if start <= day <= end)


def _added(subject: Subject) -> int:
    """1 when the request is not yet in the tallies (checking it adds it), else 0."""
    return 0 if subject.counted_on is not None else 1


def velocity(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Rolling 7- and 30-day caps, the ramp since launch, and weekly spikes."""
    rule = settings.velocity
    checks = [*_cap_findings(subject, snap, rule), _ramp_finding(subject, snap, rule),
              _spike_finding(subject, snap, rule)]
    found = [finding for finding in checks if finding is not None]
    if found:
        return max(found, key=lambda finding: finding.verdict.weight)
    requests = snap.daily.get((subject.market.tag, "request"))
    placed = snap.daily.get((subject.market.tag, "placement"))
    return Finding("velocity", Verdict.PASS,
                   f"{subject.market.tag}: {window(requests, snap.today, 7) + _added(subject)} "
                   f"requests and {window(placed, snap.today, 7)} placements in 7 days, "
                   f"{window(requests, snap.today, 30) + _added(subject)} and "
                   f"{window(placed, snap.today, 30)} in 30 days, within caps")


def _cap_findings(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> list[Finding]:
    """A block for each rolling window whose cap this request would pass."""
    tag, added = subject.market.tag, _added(subject)
    requests, placed = snap.daily.get((tag, "request")), snap.daily.get((tag, "placement"))
    found = []
    for length in (7, 30):
        count, cap = window(requests, snap.today, length) + added, getattr(rule, f"requests_{length}d")
        if count > cap:
            found.append(Finding("velocity", Verdict.BLOCK, f"requests in {tag} over the last "
                                 f"{length} days would be {count} > cap {cap}",
                                 {"kind": "request", "days": length, "count": count, "cap": cap}))
        won, won_cap = window(placed, snap.today, length), getattr(rule, f"placements_{length}d")
        if added and won >= won_cap:
            found.append(Finding("velocity", Verdict.BLOCK,
                                 f"placements in {tag} over the last {length} days are {won}, at cap "
                                 f"{won_cap}: no new requests until some age out",
                                 {"kind": "placement", "days": length, "count": won, "cap": won_cap}))
    return found


def _ramp_finding(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> Finding | None:
    """A block when a new market would pass the ramp's allowance for its current period."""
    launched = subject.market.launched
    if launched is None or not rule.ramp:
        return None
    day = (snap.today - launched).days + 1
    step = next((step for step in rule.ramp if day <= step.until_day), None)
    if step is None or day < 1:
        return None
    count = snap.since_launch.get(subject.market.tag, 0) + _added(subject)
    if count <= step.links:
        return None
    message = (f"ramp: {subject.market.tag} is on day {day} since launch ({launched}); the plan "
               f"allows {step.links} links by day {step.until_day} and this would make {count}")
    return Finding("velocity", Verdict.BLOCK, message,
                   {"day": day, "until_day": step.until_day, "allowed": step.links, "count": count})


def weekly_totals(snap: Snapshot, market: str, weeks: int) -> list[int]:
    """Links (placements and requests) per 7-day week, the current week first."""
    days = Counter[date]()
    for kind in ("placement", "request"):
        days.update(snap.daily.get((market, kind), Counter()))
    return [window(days, snap.today - timedelta(days=7 * back), 7) for back in range(weeks + 1)]


def _spike_finding(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> Finding | None:
    """A warning when this week would exceed the spike factor times the trailing weekly median."""
    current, *trailing = weekly_totals(snap, subject.market.tag, TRAILING_WEEKS)
    current += _added(subject)
    median = statistics.median(trailing)
    baseline = max(median, 1.0)
    if current <= rule.spike_factor * baseline:
        return None
    message = (f"spike: {current} links in {subject.market.tag} this week > {rule.spike_factor:g}x the "
               f"trailing {TRAILING_WEEKS}-week median ({median:g})")
    return Finding("velocity", Verdict.WARN, message,
                   {"week": current, "median": median, "factor": rule.spike_factor})


def one_language_swamp(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Among markets sharing a language, this market's share of new links stays under the ceiling."""
    rule = settings.one_language_swamp
    language = subject.market.language
    group = [m.tag for m in snap.campaign.by_priority() if m.language == language]
    if len(group) < 2:
        return Finding("one-language-swamp", Verdict.PASS,
                       f"{subject.market.tag} is the only '{language}' market")
    counts = {tag: sum(window(snap.daily.get((tag, kind)), snap.today, rule.window_days)
                       for kind in ("placement", "request")) for tag in group}
    counts[subject.market.tag] += _added(subject)
    total, mine = sum(counts.values()), counts[subject.market.tag]
    others = ", ".join(f"{tag} {counts[tag]}" for tag in group if tag != subject.market.tag)
    numbers: dict[str, float | int | str] = {"market": mine, "language_total": total,
                                             "ceiling": rule.ceiling}
    summary = (f"{subject.market.tag} would have {percent(mine, total)} of new '{language}' links in "
               f"{rule.window_days} days ({others})")
    if total >= rule.min_links and mine / total > rule.ceiling:
        return Finding("one-language-swamp", Verdict.WARN, f"{summary} > ceiling {rule.ceiling:.0%}",
                       numbers)
    return Finding("one-language-swamp", Verdict.PASS, summary, numbers)
