"""Locale tags: BCP 47 market tags, hreflang codes, Babel locales, names and CLDR fallback chains."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global

X_DEFAULT = "x-default"

# Region codes people type that ISO 3166-1 does not have, with the code they meant.
_REGION_SLIPS = {"UK": "GB", "EL": "GR", "EN": "GB"}


def split_tag(code: str) -> list[str]:
    """Split a tag on hyphens (BCP 47's separator) after trimming it."""
    return code.strip().split("-")


@cache
def is_language(subtag: str) -> bool:
    """Whether `subtag` is an ISO 639-1 two-letter language code."""
    return len(subtag) == 2 and pycountry.languages.get(alpha_2=subtag.lower()) is not None


@cache
def is_country(subtag: str) -> bool:
    """Whether `subtag` is an ISO 3166-1 alpha-2 country code."""
    return len(subtag) == 2 and pycountry.countries.get(alpha_2=subtag.upper()) is not None


@cache
def is_script(subtag: str) -> bool:
    """Whether `subtag` is an ISO 15924 script code such as `Hant`."""
    return len(subtag) == 4 and pycountry.scripts.get(alpha_4=subtag.title()) is not None


def _region_problem(code: str, language: str, region: str) -> str | None:
    """Why `region` is not usable after `language`, or None when it is."""
    if region.isdigit():
        return (
            f"'{code}': Google accepts only ISO 3166-1 alpha-2 regions, not UN M.49 '{region}'; "
            f"use a country ('{language}-MX') or the language alone ('{language}')"
        )
    if region.upper() in _REGION_SLIPS:
        better = f"{language}-{_REGION_SLIPS[region.upper()]}"
        return f"'{code}': '{region}' is not an ISO 3166-1 code; use '{better}'"
    if not is_country(region):
        return f"'{code}': '{region}' is not an ISO 3166-1 alpha-2 country code"
    return None


def hreflang_problem(code: str) -> str | None:
    """Why `code` is not a valid hreflang value for Google, or None when it is."""
    if code.strip().lower() == X_DEFAULT:
        return None
    if "_" in code:
        return f"'{code}': use '-' between subtags, not '_' ('{code.replace('_', '-')}')"
    parts = split_tag(code)
    first = parts[0]
    if not is_language(first):
        if is_country(first):
            return f"'{code}': a region with no language; hreflang needs a language first"
        return f"'{code}': '{first}' is not an ISO 639-1 language code"
    rest = parts[1:]
    if rest and is_script(rest[0]):
        rest = rest[1:]
    if len(rest) > 1:
        return f"'{code}': too many subtags; use language[-Script][-REGION]"
    return _region_problem(code, first, rest[0]) if rest else None


def market_tag_problem(tag: str) -> str | None:
    """Why `tag` cannot name a market (a language plus a country), or None when it can."""
    problem = hreflang_problem(tag)
    if problem or tag.lower() == X_DEFAULT:
        return problem or f"'{tag}' is reserved for hreflang and cannot name a market"
    parts = split_tag(tag)
    if len(parts) != 2 or not is_country(parts[1]):
        return f"'{tag}': a market is a language and a country, such as 'es-MX'"
    try:
        babel_locale(tag)
    except UnknownLocaleError:
        return f"'{tag}': Babel has no locale data for this language and country"
    return None


def canonical_tag(tag: str) -> str:
    """The conventional spelling of a tag: `es-mx` → `es-MX`, `zh-hant-tw` → `zh-Hant-TW`."""
    parts = split_tag(tag)
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(out)


def language_of(tag: str) -> str:
    """The language subtag of a tag: `es-MX` → `es`."""
    return split_tag(tag)[0].lower()


def country_of(tag: str) -> str | None:
    """The region subtag of a tag, if it names a country: `es-MX` → `MX`."""
    parts = split_tag(tag)
    last = parts[-1] if len(parts) > 1 else ""
    return last.upper() if is_country(last) else None


@cache
def babel_locale(tag: str) -> Locale:
    """The Babel locale of a tag (`es-MX` → `es_MX`); raises UnknownLocaleError."""
    return Locale.parse(tag.replace("-", "_"))


def language_name(tag: str, display: str = "en") -> str:
    """The name of a tag's language, in the `display` locale."""
    name = babel_locale(display).languages.get(language_of(tag))
    return str(name) if name else language_of(tag)


def country_name(country: str, display: str = "en") -> str:
    """The name of a country (ISO alpha-2), in the `display` locale."""
    name = babel_locale(display).territories.get(country.upper())
    return str(name) if name else country.upper()


def fallback_chain(tag: str) -> list[str]:
    """CLDR parent chain of a tag, nearest first: `es-AR` → [es-AR, es-419, es]."""
    parents: dict[str, str] = dict(get_global("parent_exceptions"))
    chain: list[str] = []
    current: str | None = tag.replace("-", "_")
    while current and current != "root":
        chain.append(current.replace("_", "-"))
        current = parents.get(current) or (current.rsplit("_", 1)[0] if "_" in current else None)
    return chain
