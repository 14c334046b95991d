"""The site architecture as URL versions: which market's version, if any, a URL belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from outreach.core.campaign import Campaign, Market
from outreach.core.geo import host_of, normalise_host


@dataclass(frozen=True)
class UrlVersion:
    """A market's part of the site: a host plus a path prefix (`/` for a whole host)."""

    market: str
    host: str
    path: str

    def contains(self, url: str) -> bool:
        """Whether an absolute URL lies inside this version."""
        if not _same_site_host(host_of(url), self.host):
            return False
        path = urlsplit(url.strip()).path or "/"
        return (path if path.endswith("/") else path + "/").startswith(self.path)

    @property
    def root_url(self) -> str:
        """The version's home URL, e.g. `https://www.site.com/mx/`."""
        return f"https://{self.host}{self.path}"


class Placement(StrEnum):
    """Where a URL sits relative to one market's version."""

    OWN = "own"
    OTHER_MARKET = "other-market"
    SITE_ROOT = "site-root"
    OFF_SITE = "off-site"
    RELATIVE = "relative"


@dataclass(frozen=True)
class UrlVerdict:
    """Where a URL sits for a market, and which version it is in when it is another market's."""

    placement: Placement
    version: UrlVersion | None = None


def _same_site_host(a: str, b: str) -> bool:
    """Hosts match, treating a leading `www.` as the same site."""
    return a.removeprefix("www.") == b.removeprefix("www.")


def version_of_market(campaign: Campaign, market: Market) -> UrlVersion:
    """The URL version a market's architecture gives it."""
    host = market.host or campaign.architecture.host or host_of(campaign.campaign.site)
    return UrlVersion(market.tag, normalise_host(host), market.path or "/")


def all_versions(campaign: Campaign) -> list[UrlVersion]:
    """Every market's version, most specific (longest path) first (computed once per campaign)."""
    def build() -> list[UrlVersion]:
        versions = [version_of_market(campaign, market) for market in campaign.markets.values()]
        return sorted(versions, key=lambda version: len(version.path), reverse=True)
    return campaign.derived("url-versions", build)


def version_containing(campaign: Campaign, url: str) -> UrlVersion | None:
    """The most specific market version a URL lies in, if any."""
    return next((v for v in all_versions(campaign) if v.contains(url)), None)


def is_absolute(url: str) -> bool:
    """Whether a URL is fully qualified (scheme and host), as hreflang and links need."""
    parts = urlsplit(url.strip())
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def site_hosts(campaign: Campaign) -> frozenset[str]:
    """Every host of the client site, without `www.`."""
    hosts = {version.host for version in all_versions(campaign)} | {host_of(campaign.campaign.site)}
    return frozenset(host.removeprefix("www.") for host in hosts if host)


def place_url(campaign: Campaign, url: str, market_tag: str) -> UrlVerdict:
    """Where `url` sits for the market `market_tag`: its own version, another's, the root, off-site."""
    memo: dict[tuple[str, str], UrlVerdict] = campaign.derived("url-placements", dict)
    key = (url, market_tag)
    if key not in memo:
        memo[key] = _place_url(campaign, url, market_tag)
    return memo[key]


def _place_url(campaign: Campaign, url: str, market_tag: str) -> UrlVerdict:
    """place_url, uncached."""
    if not is_absolute(url):
        return UrlVerdict(Placement.RELATIVE)
    found = version_containing(campaign, url)
    if found is not None:
        own = found.market == campaign.market(market_tag).tag
        return UrlVerdict(Placement.OWN if own else Placement.OTHER_MARKET, found)
    if host_of(url).removeprefix("www.") in site_hosts(campaign):
        return UrlVerdict(Placement.SITE_ROOT)
    return UrlVerdict(Placement.OFF_SITE)
