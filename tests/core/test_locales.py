"""Tags and hreflang codes: what Google accepts, and the CLDR fallback chains."""

from __future__ import annotations

import pytest

from outreach.core import locales

HREFLANG: dict[str, tuple[str, str | None]] = {
    "language and country": ("es-MX", None),
    "language alone": ("es", None),
    "script and region": ("zh-Hant-TW", None),
    "x-default": ("x-default", None),
    "lower-case region": ("en-gb", None),
    "UK is not ISO": ("en-UK", "'UK' is not an ISO 3166-1 code; use 'en-GB'"),
    "UN M.49 region": ("es-419", "Google accepts only ISO 3166-1 alpha-2 regions, not UN M.49 '419'"),
    "region without language": ("MX", "a region with no language"),
    "underscore": ("es_MX", "use '-' between subtags, not '_' ('es-MX')"),
    "unknown language": ("xx-MX", "'xx' is not an ISO 639-1 language code"),
    "unknown region": ("es-XX", "'XX' is not an ISO 3166-1 alpha-2 country code"),
    "three-letter language": ("spa", "'spa' is not an ISO 639-1 language code"),
    "too many subtags": ("es-MX-CDMX", "too many subtags"),
}


def assert_problem(problem: str | None, expected: str | None) -> None:
    """No problem when none is expected, else one that contains the expected text."""
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


@pytest.mark.parametrize("name", HREFLANG)
def test_hreflang_codes(name: str) -> None:
    code, expected = HREFLANG[name]
    assert_problem(locales.hreflang_problem(code), expected)


MARKET_TAGS: dict[str, tuple[str, str | None]] = {
    "Mexico": ("es-MX", None),
    "Brazil": ("pt-BR", None),
    "language only": ("es", "a market is a language and a country"),
    "x-default": ("x-default", "reserved for hreflang"),
    "UK": ("en-UK", "use 'en-GB'"),
    "no locale data": ("ab-GS", "Babel has no locale data"),
}


@pytest.mark.parametrize("name", MARKET_TAGS)
def test_market_tags(name: str) -> None:
    tag, expected = MARKET_TAGS[name]
    assert_problem(locales.market_tag_problem(tag), expected)


@pytest.mark.parametrize(("tag", "chain"), [
    ("es-AR", ["es-AR", "es-419", "es"]),
    ("es-MX", ["es-MX", "es-419", "es"]),
    ("es-ES", ["es-ES", "es"]),
    ("en-GB", ["en-GB", "en-001", "en"]),
    ("pt-BR", ["pt-BR", "pt"]),
    ("pt-AO", ["pt-AO", "pt-PT", "pt"]),
    ("de-DE", ["de-DE", "de"]),
])
def test_fallback_chain_follows_cldr_parents(tag: str, chain: list[str]) -> None:
    assert locales.fallback_chain(tag) == chain


def test_names_come_from_babel() -> None:
    assert locales.language_name("es-MX") == "Spanish"
    assert locales.language_name("de-DE", display="de-DE") == "Deutsch"
    assert locales.country_name("MX", display="es-MX") == "México"
    assert locales.country_name("ES", display="de-DE") == "Spanien"


@pytest.mark.parametrize(("raw", "canonical"), [
    ("es-mx", "es-MX"), ("ZH-HANT-tw", "zh-Hant-TW"), ("EN", "en"),
])
def test_canonical_tag(raw: str, canonical: str) -> None:
    assert locales.canonical_tag(raw) == canonical
