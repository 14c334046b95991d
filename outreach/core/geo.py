"""Domains and countries, offline: registered domains from the bundled public suffix list."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

import tldextract
from babel import Locale, UnknownLocaleError

from outreach.core.locales import is_country, is_language
from outreach.core.public_suffix import split_plain

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
    if bare.isascii():
        return bare  # nothing to encode: skip the (slow) IDNA codec
    try:
        return bare.encode("idna").decode("ascii")
    except UnicodeError:
        return bare


def host_of(url: str) -> str:
    """The normalised host of an absolute URL, or '' when it has none."""
    return normalise_host(urlsplit(url.strip()).hostname or "")


@lru_cache(maxsize=1 << 16)
def split_host(host: str) -> HostParts:
    """Split a host at its public suffix."""
    plain = split_plain(normalise_host(host))
    if plain is not None:
        return HostParts(*plain)
    parts = _extractor()(normalise_host(host))
    registered = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else ""
    return HostParts(parts.subdomain, registered or normalise_host(host), parts.suffix)


def cctld_country(host: str) -> str | None:
    """The country a host's ccTLD names (`.com.mx` → MX, `.uk` → GB); None for generic ones."""
    return suffix_country(split_host(host).suffix)


def suffix_country(suffix: str) -> str | None:
    """The country a public suffix names (`com.mx` → MX); None for generic ones and for ''."""
    last = suffix.rsplit(".", 1)[-1] if suffix else ""
    if len(last) != 2 or last in GENERIC_CCTLDS:
        return None
    code = _CCTLD_TO_ISO.get(last, last.upper())
    return code if is_country(code) else None


@dataclass(frozen=True)
class Hint:
    """A country or language read from a URL's subdomain or path (`es.site.com`, `/mx/`, `/es-mx/`)."""

    country: str | None = None
    language: str | None = None


_LOCALE_SEGMENT = re.compile(r"^([a-z]{2})[-_]([a-z]{2})$")


def url_hint(host: str, path: str, languages: Collection[str]) -> Hint:
    """The first locale-like label of the subdomain or first path segment, read as country or language.

    `xx-yy` gives both. A two-letter label that is one of `languages` (the campaign's) is a language
    (`/es/` on a .com site serves Spanish readers everywhere); otherwise a country code is a country
    (`/mx/`, `uk.`). Everything else says nothing.
    """
    return subdomain_hint(split_host(host).subdomain if host else "", path, languages)


def subdomain_hint(subdomain: str, path: str, languages: Collection[str]) -> Hint:
    """`url_hint` of a host with this subdomain (the part before its registered domain)."""
    labels = [label for label in subdomain.split(".") if label and label != "www"][:1]
    segments = [segment for segment in path.lower().split("/") if segment][:1]
    for label in labels + segments:
        hint = _label_hint(label.lower(), languages)
        if hint != Hint():
            return hint
    return Hint()


def _label_hint(label: str, languages: Collection[str]) -> Hint:
    """What one label says: a locale (es-mx), a campaign language (de) or a country (mx)."""
    locale = _LOCALE_SEGMENT.match(label)
    if locale and is_language(locale[1]) and is_country(_CCTLD_TO_ISO.get(locale[2], locale[2].upper())):
        return Hint(_CCTLD_TO_ISO.get(locale[2], locale[2].upper()), locale[1])
    if len(label) != 2:
        return Hint()
    if label in languages:
        return Hint(language=label)
    code = _CCTLD_TO_ISO.get(label, label.upper())
    return Hint(country=code) if is_country(code) else Hint()


@cache
def country_language(country: str) -> str | None:
    """The language CLDR considers most likely in a country (`MX` → es, `CH` → de)."""
    try:
        language = Locale.parse(f"und_{country.upper()}").language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language and is_language(language) else None
