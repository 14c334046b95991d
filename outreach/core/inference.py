"""A prospect's audience country and content language, and how each was found; local or global."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from outreach.core import geo
from outreach.core.campaign import Market
from outreach.core.language import detect_language

SOURCE_STRENGTH = {"explicit": 5, "cctld": 4, "export-language": 3, "path-hint": 2, "detected": 1,
                   "unknown": 0}
"""How much each inference source is trusted; a re-import only replaces a weaker one."""

MIN_DETECTION_LETTERS = 15
"""Shorter texts (an outlet name) say too little for language detection."""


@dataclass(frozen=True)
class Evidence:
    """What one row says about where a site's audience is and what language it writes in."""

    host: str
    path: str = ""
    country: str | None = None
    """From an explicit audience-country column (never a hosting-country column)."""
    language: str | None = None
    """From an explicit language column of our own format."""
    export_language: str | None = None
    """From an export's per-page Language column (Ahrefs, Majestic)."""
    text: str = ""
    """Page titles and link context, for detection."""


@dataclass(frozen=True)
class Inferred:
    """A country and a language, each with the source it came from."""

    country: str | None
    country_source: str
    language: str | None
    language_source: str


def infer(evidence: Evidence, languages: Collection[str]) -> Inferred:
    """Country: explicit, ccTLD, path hint. Language: explicit, export, path hint, ccTLD, detected."""
    candidates = languages if isinstance(languages, frozenset) else frozenset(languages)
    if evidence.text:
        return infer_uncached(evidence, candidates)
    return _infer_cached(evidence, candidates)


@lru_cache(maxsize=1 << 16)
def _infer_cached(evidence: Evidence, languages: frozenset[str]) -> Inferred:
    """`infer_uncached` remembered for rows without text (hosts repeat across a list's rows)."""
    return infer_uncached(evidence, languages)


def infer_uncached(evidence: Evidence, languages: Collection[str]) -> Inferred:
    """`infer` without its cache, for callers that remember results themselves (a bulk import)."""
    return infer_site(site_key(evidence.host, evidence.path, evidence.country, evidence.language,
                               evidence.export_language), evidence.text, languages)


SiteKey = tuple[str, str, str, str | None, str | None, str | None]
"""(subdomain, public suffix, path, country, language, export language): all that inference reads of a
row but its text. Hosts differing only in their registered name (most of a list) share one key."""


def site_key(host: str, path: str, country: str | None, language: str | None,
             export_language: str | None) -> SiteKey:
    """The key of a row's evidence, its host cut to subdomain and public suffix."""
    parts = geo.split_host(host) if host else None
    return (parts.subdomain, parts.suffix, path, country, language, export_language) if parts else (
        "", "", path, country, language, export_language)


def infer_site(key: SiteKey, text: str, languages: Collection[str]) -> Inferred:
    """Country: explicit, ccTLD, path hint. Language: explicit, export, path hint, ccTLD, detected."""
    subdomain, suffix, path, stated_country, stated_language, export_language = key
    cctld = geo.suffix_country(suffix)
    hint = geo.subdomain_hint(subdomain, path, languages)
    country, country_source = _first(
        (stated_country, "explicit"), (cctld, "cctld"), (hint.country, "path-hint"))
    language, language_source = _first(
        (stated_language, "explicit"), (export_language, "export-language"),
        (hint.language, "path-hint"), (geo.country_language(cctld) if cctld else None, "cctld"))
    if language is None:
        language, language_source = _detected(text, languages)
    return Inferred(country, country_source, language, language_source)


def _first(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    """The first candidate with a value, or (None, 'unknown')."""
    for value, source in candidates:
        if value:
            return value, source
    return None, "unknown"


def _detected(text: str, languages: Collection[str]) -> tuple[str | None, str]:
    """The language of titles and context, among the campaign's languages and English."""
    if sum(char.isalpha() for char in text) < MIN_DETECTION_LETTERS:
        return None, "unknown"
    found = detect_language(text, {*languages, "en"})
    return (found.language, "detected") if found else (None, "unknown")


def locality(market: Market, country: str | None, language: str | None, source_type: str | None) -> str:
    """`local` when tied to the market's country, `global` when international or foreign, else unknown."""
    if country == market.country:
        return "local"
    if source_type == "global-publication" or country is not None:
        return "global"
    if language is not None and language != market.language:
        return "global"
    return "unknown"
