"""Monitoring findings over placements: new links from languages the campaign does not target."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from outreach.core.campaign import Campaign
from outreach.core.findings import Finding, Verdict
from outreach.core.models import Placement, utcnow

LOOKBACK_DAYS = 90


def foreign_spikes(session: Session, campaign: Campaign, campaign_id: int, *,
                   now: datetime | None = None) -> list[Finding]:
    """A warning per untargeted language whose new placements cluster within the spike window."""
    today = (now or utcnow()).date()
    settings = campaign.rules.foreign_spike
    if not settings.enabled:
        return []
    query = (select(col(Placement.language), col(Placement.found_on), func.count())
             .where(col(Placement.campaign_id) == campaign_id,
                    col(Placement.found_on) >= today - timedelta(days=LOOKBACK_DAYS),
                    col(Placement.language).is_not(None),
                    col(Placement.language).not_in(campaign.languages))
             .group_by(col(Placement.language), col(Placement.found_on)))
    days: defaultdict[str, Counter[date]] = defaultdict(Counter)
    for language, found_on, count in session.execute(query).all():
        days[language][found_on] += count
    findings = []
    for language, counts in sorted(days.items()):
        start, total = _densest_window(counts, settings.window_days)
        if total >= settings.min_links:
            end = start + timedelta(days=settings.window_days - 1)
            findings.append(Finding(
                "foreign-spike", Verdict.WARN,
                f"{total} new placements in '{language}' between {start} and {end}: the campaign targets "
                f"{', '.join(campaign.languages)}; check them for a link network",
                {"language": language, "count": total, "from": start.isoformat(), "to": end.isoformat()}))
    return findings


def _densest_window(counts: Counter[date], length: int) -> tuple[date, int]:
    """The first day and size of the busiest run of `length` days."""
    best = (min(counts), 0)
    for start in sorted(counts):
        total = sum(n for day, n in counts.items() if start <= day < start + timedelta(days=length))
        if total > best[1]:
            best = (start, total)
    return best
