"""A market overview for people and scripts: names from Babel, hours, pages and problems."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from outreach.core import locales
from outreach.core.campaign import WEEKDAYS, Campaign, Market, TargetPage
from outreach.core.hreflang import Problem, find_problems
from outreach.core.urlversions import version_of_market


@dataclass(frozen=True)
class PageSummary:
    """A target page as the overview shows it."""

    url: str
    hreflang: str
    language: str
    name: str | None
    cluster: str | None
    mix: str
    keywords: dict[str, list[str]]


@dataclass(frozen=True)
class MarketSummary:
    """One market with everything `outreach markets` shows about it."""

    tag: str
    language: str
    language_name: str
    native_language_name: str
    country: str
    country_name: str
    native_country_name: str
    timezone: str
    business_days: list[str]
    business_hours: list[str]
    holidays: str
    priority: int
    version: str
    pages: list[PageSummary]
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def days_label(self) -> str:
        """Business days compactly: `Mon–Fri`, or a list when they are not consecutive."""
        indexes = [WEEKDAYS.index(day) for day in self.business_days]
        names = [day.title() for day in self.business_days]
        consecutive = indexes == list(range(indexes[0], indexes[0] + len(indexes)))
        return f"{names[0]}–{names[-1]}" if consecutive and len(names) > 2 else ", ".join(names)


def summarise(campaign: Campaign) -> list[MarketSummary]:
    """Every market, in priority order, with its problems attached."""
    problems = find_problems(campaign)
    return [_summary(campaign, market, [p for p in problems if p.market == market.tag])
            for market in campaign.by_priority()]


def _summary(campaign: Campaign, market: Market, problems: list[Problem]) -> MarketSummary:
    """The overview of one market."""
    return MarketSummary(
        tag=market.tag,
        language=market.language,
        language_name=locales.language_name(market.tag),
        native_language_name=locales.language_name(market.tag, display=market.tag),
        country=market.country,
        country_name=locales.country_name(market.country),
        native_country_name=locales.country_name(market.country, display=market.tag),
        timezone=market.timezone,
        business_days=list(market.business_days),
        business_hours=[f"{a:%H:%M}-{b:%H:%M}" for a, b in market.business_hours],
        holidays=market.holiday_region,
        priority=market.priority,
        version=version_of_market(campaign, market).root_url,
        pages=[_page_summary(page) for page in market.pages],
        problems=[{"kind": p.kind, "url": p.url, "message": p.message} for p in problems],
    )


def _page_summary(page: TargetPage) -> PageSummary:
    """The overview of one page."""
    keywords = {language: list(words) for language, words in page.keywords.items()}
    return PageSummary(page.url, page.hreflang, page.language, page.name, page.cluster,
                       page.mix, keywords)


def as_json(campaign: Campaign, summaries: list[MarketSummary]) -> dict[str, Any]:
    """The overview as plain data for `--json`."""
    return {
        "campaign": {"id": campaign.id, "name": campaign.campaign.name,
                     "site": campaign.campaign.site, "architecture": campaign.architecture.type},
        "markets": [asdict(summary) for summary in summaries],
        "problems": [problem for summary in summaries for problem in summary.problems],
    }
