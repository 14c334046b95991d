"""Domains and countries, offline: registered domains from the bundled public suffix list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import tldextract

from outreach.core.locales import is_country

# ccTLDs Google treats as generic: they say nothing about a site's country.
GENERIC_CCTLDS = frozenset({
    "ad", "as", "bz", "cc", "cd", "co", "dj", "fm", "gg", "io", "la", "me", "ms", "nu", "sc", "sr",
    "su", "tv", "tk", "ws", "eu", "asia",
})

# ccTLDs whose country code differs from the ISO 3166-1 alpha-2 code.
_CCTLD_TO_ISO = {"uk": "GB"}


@dataclass(frozen=True)
class HostParts:
    """A host name split at the public suffix: `www.site.com.mx` → www / site.com.mx / com.mx."""

    subdomain: str
    registered_domain: str
    suffix: str


@cache
def _extractor() -> tldextract.TLDExtract:
    """A suffix-list extractor that never touches the network (bundled snapshot only)."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def normalise_host(host: str) -> str:
    """Lower-case a host, drop a trailing dot and a port, and encode IDN labels as punycode."""
    bare = host.strip().lower().rstrip(".").split(":")[0]
    try:
        return bare.encode("idna").decode("ascii")
    except UnicodeError:
        return bare


def host_of(url: str) -> str:
    """The normalised host of an absolute URL, or '' when it has none."""
    return normalise_host(urlsplit(url.strip()).hostname or "")


@cache
def split_host(host: str) -> HostParts:
    """Split a host at its public suffix."""
    parts = _extractor()(normalise_host(host))
    registered = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else ""
    return HostParts(parts.subdomain, registered or normalise_host(host), parts.suffix)


def cctld_country(host: str) -> str | None:
    """The country a host's ccTLD names (`.com.mx` → MX, `.uk` → GB); None for generic ones."""
    suffix = split_host(host).suffix
    last = suffix.rsplit(".", 1)[-1] if suffix else ""
    if len(last) != 2 or last in GENERIC_CCTLDS:
        return None
    code = _CCTLD_TO_ISO.get(last, last.upper())
    return code if is_country(code) else None
