"""hreflang and architecture checks over a campaign's target pages, and the tags each page needs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from outreach.core import locales
from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.geo import cctld_country
from outreach.core.urlversions import Placement, is_absolute, place_url, version_of_market


@dataclass(frozen=True)
class Problem:
    """One hreflang or architecture problem, tied to a market and, usually, a URL."""

    kind: str
    """relative-url, invalid-code, language-mismatch, architecture, duplicate-code,
    self-reference, reciprocity or cctld."""
    market: str
    url: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def find_problems(campaign: Campaign) -> list[Problem]:
    """Every hreflang and architecture problem in the campaign, market by market."""
    problems: list[Problem] = []
    for market in campaign.by_priority():
        problems.extend(_market_problems(campaign, market))
        for page in market.pages:
            problems.extend(_page_problems(campaign, market, page))
            problems.extend(_alternates_problems(campaign, page))
            problems.extend(_return_links(campaign, page))
    for name in sorted({page.cluster for page in campaign.pages if page.cluster}):
        problems.extend(_cluster_problems(campaign, name))
    return problems


def _market_problems(campaign: Campaign, market: Market) -> Iterator[Problem]:
    """A ccTLD campaign's market host must carry that market's country code."""
    if campaign.architecture.type != "cctld":
        return
    host = version_of_market(campaign, market).host
    country = cctld_country(host)
    if country != market.country:
        found = f"the ccTLD of {country}" if country else "not a country-code domain"
        yield Problem("cctld", market.tag, f"https://{host}/",
                      f"{market.tag} host {host} is {found}, not of {market.country}")


def _page_problems(campaign: Campaign, market: Market, page: TargetPage) -> Iterator[Problem]:
    """The page's own URL, code, language and place in the architecture."""
    if not is_absolute(page.url):
        yield Problem("relative-url", market.tag, page.url,
                      f"{page.url} is relative; hreflang needs absolute URLs")
        return
    code_problem = locales.hreflang_problem(page.hreflang)
    if code_problem:
        yield Problem("invalid-code", market.tag, page.url, f"{page.url}: {code_problem}")
    elif page.language != market.language:
        yield Problem("language-mismatch", market.tag, page.url,
                      f"{page.url} is declared '{page.hreflang}' but market {market.tag} "
                      f"speaks '{market.language}'")
    yield from _architecture_problems(campaign, market, page)


def _architecture_problems(campaign: Campaign, market: Market, page: TargetPage) -> Iterator[Problem]:
    """A page must lie inside its own market's version of the site."""
    verdict = place_url(campaign, page.url, market.tag)
    own = version_of_market(campaign, market).root_url
    if verdict.placement is Placement.OTHER_MARKET and verdict.version is not None:
        yield Problem("architecture", market.tag, page.url,
                      f"{market.tag} page {page.url} is on {verdict.version.market}'s version "
                      f"({verdict.version.root_url}), not {own}")
    elif verdict.placement in (Placement.SITE_ROOT, Placement.OFF_SITE):
        where = "outside every market version" if verdict.placement is Placement.SITE_ROOT \
            else "not on the client site"
        yield Problem("architecture", market.tag, page.url,
                      f"{market.tag} page {page.url} is {where}; expected under {own}")


def _cluster_problems(campaign: Campaign, name: str) -> Iterator[Problem]:
    """Within a cluster, each hreflang code is used once and x-default is absolute."""
    pages = campaign.cluster_pages(name)
    counts = Counter(page.hreflang.lower() for page in pages)
    for page in pages:
        if counts[page.hreflang.lower()] > 1:
            yield Problem("duplicate-code", page.market, page.url,
                          f"cluster '{name}' has {counts[page.hreflang.lower()]} pages "
                          f"for '{page.hreflang}', including {page.url}")
    x_default = campaign.clusters.get(name)
    if x_default and x_default.x_default and not is_absolute(x_default.x_default):
        yield Problem("relative-url", pages[0].market, x_default.x_default,
                      f"cluster '{name}' x-default {x_default.x_default} is relative")


def _alternates_problems(campaign: Campaign, page: TargetPage) -> Iterator[Problem]:
    """Audit the annotations a page carries today: codes, URLs, self-reference, return links."""
    if page.alternates is None:
        return
    for code, url in page.alternates.items():
        code_problem = locales.hreflang_problem(code)
        if code_problem:
            yield Problem("invalid-code", page.market, page.url,
                          f"{page.url} carries hreflang {code_problem}")
        if not is_absolute(url):
            yield Problem("relative-url", page.market, page.url,
                          f"{page.url} carries a relative hreflang URL '{url}' ({code})")
    if page.alternates.get(page.hreflang) != page.url:
        yield Problem("self-reference", page.market, page.url,
                      f"{page.url} does not list itself as '{page.hreflang}'")


def _return_links(campaign: Campaign, page: TargetPage) -> Iterator[Problem]:
    """Every campaign page this page points to (as carried today or as planned) must point back."""
    known = {other.url: other for other in campaign.pages}
    for code, url in carried_alternates(campaign, page).items():
        other = known.get(url)
        if other is None or other.url == page.url:
            continue
        if page.url not in carried_alternates(campaign, other).values():
            yield Problem("reciprocity", page.market, page.url,
                          f"{page.url} lists {url} ({code}) but {url} does not link back")
        elif other.hreflang.lower() != code.lower():
            yield Problem("reciprocity", page.market, page.url,
                          f"{page.url} lists {url} as '{code}' but that page is '{other.hreflang}'")


def carried_alternates(campaign: Campaign, page: TargetPage) -> dict[str, str]:
    """The annotations a page carries: as audited when given, else the planned cluster set."""
    return page.alternates if page.alternates is not None else planned_alternates(campaign, page)


def planned_alternates(campaign: Campaign, page: TargetPage) -> dict[str, str]:
    """The hreflang annotations a page should carry: itself, its cluster, and x-default."""
    if page.cluster is None:
        return {page.hreflang: page.url}
    planned = {other.hreflang: other.url for other in campaign.cluster_pages(page.cluster)}
    cluster = campaign.clusters.get(page.cluster)
    if cluster and cluster.x_default:
        planned[locales.X_DEFAULT] = cluster.x_default
    return planned


def link_tags(campaign: Campaign, page: TargetPage) -> list[str]:
    """The `<link rel="alternate">` elements a page should carry in its <head>."""
    return [
        f'<link rel="alternate" hreflang="{escape(code)}" href="{escape(url)}" />'
        for code, url in planned_alternates(campaign, page).items()
    ]
