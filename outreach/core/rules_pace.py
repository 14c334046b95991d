"""Rules on a market's pace: rolling caps, the ramp for new markets, spikes, one language's markets."""

from __future__ import annotations

import statistics

from outreach.core.findings import Finding, Verdict, percent
from outreach.core.gate_inputs import Snapshot, Subject
from outreach.core.rule_settings import RuleSettings, VelocitySettings

TRAILING_WEEKS = 8


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
    tag, added = subject.market.tag, _added(subject)
    return Finding("velocity", Verdict.PASS,
                   f"{tag}: {snap.window(tag, 'request', 7) + added} requests and "
                   f"{snap.window(tag, 'placement', 7)} placements in 7 days, "
                   f"{snap.window(tag, 'request', 30) + added} and "
                   f"{snap.window(tag, 'placement', 30)} in 30 days, within caps")


def _cap_findings(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> list[Finding]:
    """A block for each rolling window whose cap this request would pass."""
    tag, added = subject.market.tag, _added(subject)
    found = []
    for length in (7, 30):
        count, cap = snap.window(tag, "request", length) + added, getattr(rule, f"requests_{length}d")
        if count > cap:
            found.append(Finding("velocity", Verdict.BLOCK, f"requests in {tag} over the last "
                                 f"{length} days would be {count} > cap {cap}",
                                 {"kind": "request", "days": length, "count": count, "cap": cap}))
        won, won_cap = snap.window(tag, "placement", length), getattr(rule, f"placements_{length}d")
        if added and won >= won_cap:
            found.append(Finding("velocity", Verdict.BLOCK,
                                 f"placements in {tag} over the last {length} days are {won}, at cap "
                                 f"{won_cap}: no new requests until some age out",
                                 {"kind": "placement", "days": length, "count": won, "cap": won_cap}))
    return found


def ramp_day(subject: Subject, snap: Snapshot) -> int | None:
    """Day of the market's ramp today (1 on launch day), or None without a launch date."""
    launched = subject.market.launched
    return None if launched is None else (snap.today - launched).days + 1


def _ramp_finding(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> Finding | None:
    """A block when a new market would pass the ramp's allowance for its current period."""
    day = ramp_day(subject, snap)
    if day is None or day < 1:
        return None
    # An accepted ramp plan (`outreach plan ramp --accept`) replaces the rule's default ramp.
    planned = subject.market.ramp_steps
    steps = planned or rule.ramp
    step = next((step for step in steps if day <= step.until_day), None)
    if step is None:
        return None
    count = snap.since_launch(subject.market.tag) + _added(subject)
    if count <= step.links:
        return None
    source = "the accepted ramp plan" if planned else "the plan"
    message = (f"ramp: {subject.market.tag} is on day {day} since launch ({subject.market.launched}); "
               f"{source} allows {step.links} links by day {step.until_day} and this would make {count}")
    return Finding("velocity", Verdict.BLOCK, message,
                   {"day": day, "until_day": step.until_day, "allowed": step.links, "count": count})


def _spike_finding(subject: Subject, snap: Snapshot, rule: VelocitySettings) -> Finding | None:
    """A warning when this week would exceed the spike factor times the trailing weekly median."""
    weeks = snap.weeks(subject.market.tag) or [0] * (TRAILING_WEEKS + 1)
    current, trailing = weeks[0] + _added(subject), weeks[1:TRAILING_WEEKS + 1]
    median = statistics.median(trailing)
    if current <= rule.spike_factor * max(median, 1.0):
        return None
    message = (f"spike: {current} links in {subject.market.tag} this week > {rule.spike_factor:g}x the "
               f"trailing {TRAILING_WEEKS}-week median ({median:g})")
    return Finding("velocity", Verdict.WARN, message,
                   {"week": current, "median": median, "factor": rule.spike_factor})


def one_language_swamp(subject: Subject, snap: Snapshot, settings: RuleSettings) -> Finding:
    """Among markets sharing a language, this market's share of new links stays under the ceiling."""
    rule = settings.one_language_swamp
    language = subject.market.language
    group = snap.memo(("language-group", language),
                      lambda: [m.tag for m in snap.campaign.by_priority() if m.language == language])
    if len(group) < 2:
        return Finding("one-language-swamp", Verdict.PASS,
                       f"{subject.market.tag} is the only '{language}' market")
    counts = {tag: sum(snap.window(tag, kind, rule.window_days) for kind in ("placement", "request"))
              for tag in group}
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
