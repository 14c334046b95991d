"""Country and language of a prospect, and how each was found; local or global for a market."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.geo import cctld_country, country_language, url_hint
from outreach.core.inference import Evidence, Inferred, infer, locality

LANGUAGES = ("es", "de", "en", "fr", "pt")


@pytest.mark.parametrize(("evidence", "expected"), [
    pytest.param(Evidence("diario.com.mx"), Inferred("MX", "cctld", "es", "cctld"), id="cctld"),
    pytest.param(Evidence("news.bbc.co.uk"), Inferred("GB", "cctld", "en", "cctld"), id="uk-is-GB"),
    pytest.param(Evidence("startup.io"), Inferred(None, "unknown", None, "unknown"), id="io-generic"),
    pytest.param(Evidence("noticias.co"), Inferred(None, "unknown", None, "unknown"), id="co-generic"),
    pytest.param(Evidence("show.tv"), Inferred(None, "unknown", None, "unknown"), id="tv-generic"),
    pytest.param(Evidence("site.com"), Inferred(None, "unknown", None, "unknown"), id="gtld"),
    pytest.param(Evidence("site.com", country="MX", language="es"),
                 Inferred("MX", "explicit", "es", "explicit"), id="explicit-wins"),
    pytest.param(Evidence("diario.com.mx", country="AR"), Inferred("AR", "explicit", "es", "cctld"),
                 id="explicit-country-over-cctld"),
    pytest.param(Evidence("blog.de", export_language="en"), Inferred("DE", "cctld", "en", "export-language"),
                 id="export-language-over-cctld-language"),
    pytest.param(Evidence("es.blog.com"), Inferred(None, "unknown", "es", "path-hint"), id="subdomain-hint"),
    pytest.param(Evidence("www.site.com", "/mx/nomina/"), Inferred("MX", "path-hint", None, "unknown"),
                 id="path-country"),
    pytest.param(Evidence("site.com", "/es-mx/"), Inferred("MX", "path-hint", "es", "path-hint"),
                 id="path-locale"),
    pytest.param(Evidence("site.com", "/uk/"), Inferred("GB", "path-hint", None, "unknown"), id="path-uk"),
    pytest.param(Evidence("site.io", "/de/"), Inferred(None, "unknown", "de", "path-hint"),
                 id="path-language"),
    pytest.param(Evidence("site.com", "/blog/"), Inferred(None, "unknown", None, "unknown"), id="no-hint"),
    pytest.param(Evidence("site.com", text="Die besten Programme für die Lohnabrechnung im Mittelstand"),
                 Inferred(None, "unknown", "de", "detected"), id="detected"),
    pytest.param(Evidence("site.com", text="Nómina"), Inferred(None, "unknown", None, "unknown"),
                 id="too-short-to-detect"),
])
def test_inference(evidence: Evidence, expected: Inferred) -> None:
    assert infer(evidence, LANGUAGES) == expected


@pytest.mark.parametrize(("host", "country"), [
    ("diario.com.mx", "MX"), ("bbc.co.uk", "GB"), ("x.uk", "GB"), ("ex.eu", None), ("ex.asia", None),
    ("ex.me", None), ("ex.ws", None), ("gob.mx", "MX"), ("x.com", None), ("bücher.de", "DE"),
])
def test_cctld_countries(host: str, country: str | None) -> None:
    assert cctld_country(host) == country


@pytest.mark.parametrize(("country", "language"), [("MX", "es"), ("BR", "pt"), ("GB", "en"), ("CH", "de")])
def test_a_countrys_likely_language(country: str, language: str) -> None:
    assert country_language(country) == language


def test_two_letter_labels_that_are_not_campaign_languages_are_countries() -> None:
    assert url_hint("site.com", "/ar/", LANGUAGES).country == "AR", "Argentina, not Arabic"
    assert url_hint("site.com", "/br/", LANGUAGES).country == "BR", "Brazil, not Breton"
    assert url_hint("ar.site.com", "/", ("ar",)).language == "ar"


@pytest.mark.parametrize(("market", "country", "language", "source_type", "expected"), [
    ("es-MX", "MX", "es", None, "local"),
    ("es-MX", "ES", "es", None, "global"),
    ("es-MX", None, "en", None, "global"),
    ("es-MX", None, "es", None, "unknown"),
    ("es-MX", None, None, "global-publication", "global"),
    ("en-GB", "GB", "en", "global-publication", "local"),
])
def test_locality(demo_dir: Path, market: str, country: str | None, language: str | None,
                  source_type: str | None, expected: str) -> None:
    campaign = load_campaign(demo_dir)
    assert locality(campaign.market(market), country, language, source_type) == expected
