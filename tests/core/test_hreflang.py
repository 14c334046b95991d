"""hreflang and architecture problems, and the tags each page should carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.hreflang import find_problems, link_tags, planned_alternates
from tests.campaigns import base_campaign, changed

BASE = base_campaign()
MX = "https://www.site.com/mx/nomina/"
ES = "https://www.site.com/es/nominas/"
XD = "https://www.site.com/payroll/"

# name → (campaign, expected problem kind, text the message must contain)
CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "not reciprocal": (
        changed(BASE, "markets.es-ES.pages[0].alternates", {"es-ES": ES}),
        "reciprocity", f"{MX} lists {ES} (es-ES) but {ES} does not link back"),
    "no self-reference": (
        changed(BASE, "markets.es-MX.pages[0].alternates", {"es-ES": ES}),
        "self-reference", f"{MX} does not list itself as 'es-MX'"),
    "alternate under the wrong code": (
        changed(BASE, "markets.es-MX.pages[0].alternates", {"es-MX": MX, "es": ES}),
        "reciprocity", f"{MX} lists {ES} as 'es' but that page is 'es-ES'"),
    "relative page URL": (
        changed(BASE, "markets.es-MX.pages[0].url", "/mx/nomina/"),
        "relative-url", "/mx/nomina/ is relative; hreflang needs absolute URLs"),
    "relative alternate": (
        changed(BASE, "markets.es-MX.pages[0].alternates", {"es-MX": MX, "es-ES": "/es/nominas/"}),
        "relative-url", "carries a relative hreflang URL '/es/nominas/' (es-ES)"),
    "relative x-default": (
        changed(BASE, "clusters.payroll.x_default", "/payroll/"),
        "relative-url", "cluster 'payroll' x-default /payroll/ is relative"),
    "en-UK in alternates": (
        changed(BASE, "markets.es-MX.pages[0].alternates", {"es-MX": MX, "en-UK": XD}),
        "invalid-code", "'en-UK': 'UK' is not an ISO 3166-1 code; use 'en-GB'"),
    "es-419 page": (
        changed(BASE, "markets.es-MX.pages[0].hreflang", "es-419"),
        "invalid-code", "Google accepts only ISO 3166-1 alpha-2 regions"),
    "region without language": (
        changed(BASE, "markets.es-MX.pages[0].alternates", {"es-MX": MX, "MX": MX}),
        "invalid-code", "'MX': a region with no language"),
    "page outside its /mx/ prefix": (
        changed(BASE, "markets.es-MX.pages[0].url", "https://www.site.com/nomina/"),
        "architecture", "es-MX page https://www.site.com/nomina/ is outside every market version; "
                        "expected under https://www.site.com/mx/"),
    "root target on a subfolder site": (
        changed(BASE, "markets.es-MX.pages[0].url", "https://www.site.com/"),
        "architecture", "is outside every market version"),
    "page in another market's folder": (
        changed(BASE, "markets.es-MX.pages[0].url", "https://www.site.com/es/nomina-mx/"),
        "architecture", "is on es-ES's version (https://www.site.com/es/)"),
    "page on another market's ccTLD": (
        changed(base_campaign("cctld"), "markets.es-MX.pages[0].url", "https://www.site.es/mx/"),
        "architecture", "is on es-ES's version (https://www.site.es/)"),
    "page off the site": (
        changed(BASE, "markets.es-MX.pages[0].url", "https://other.com/mx/"),
        "architecture", "is not on the client site"),
    "market host not its ccTLD": (
        changed(base_campaign("cctld"), "markets.es-MX.host", "www.site.mx.example.co"),
        "cctld", "host www.site.mx.example.co is not a country-code domain, not of MX"),
    "market host on another ccTLD": (
        changed(changed(base_campaign("cctld"), "markets.es-MX.host", "www.site.com.ar"),
                "markets.es-MX.pages[0].url", "https://www.site.com.ar/nomina/"),
        "cctld", "host www.site.com.ar is the ccTLD of AR, not of MX"),
    "two pages with one code": (
        changed(BASE, "markets.es-ES.pages[0].hreflang", "es-MX"),
        "duplicate-code", "cluster 'payroll' has 2 pages for 'es-MX'"),
    "page language differs from market": (
        changed(BASE, "markets.es-MX.pages[0].hreflang", "en"),
        "language-mismatch", "is declared 'en' but market es-MX speaks 'es'"),
}


@pytest.mark.parametrize("name", CASES)
def test_problem_is_found(name: str, write_campaign: Any) -> None:
    data, kind, text = CASES[name]
    problems = find_problems(load_campaign(write_campaign(data)))
    assert any(p.kind == kind and text in p.message for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("architecture", ["subfolder", "subdomain", "cctld"])
def test_clean_campaigns_have_no_problems(architecture: str, write_campaign: Any) -> None:
    assert find_problems(load_campaign(write_campaign(base_campaign(architecture)))) == []


def test_correct_audited_alternates_pass(write_campaign: Any) -> None:
    both = {"es-MX": MX, "es-ES": ES, "x-default": XD}
    data = changed(changed(BASE, "markets.es-MX.pages[0].alternates", both),
                   "markets.es-ES.pages[0].alternates", both)
    assert find_problems(load_campaign(write_campaign(data))) == []


def test_demo_campaign_is_clean(demo_dir: Path) -> None:
    assert find_problems(load_campaign(demo_dir)) == []


def test_link_tags_list_the_cluster_and_x_default(write_campaign: Any) -> None:
    campaign = load_campaign(write_campaign(BASE))
    tags = link_tags(campaign, campaign.page(MX))
    assert tags == [
        f'<link rel="alternate" hreflang="es-ES" href="{ES}" />',
        f'<link rel="alternate" hreflang="es-MX" href="{MX}" />',
        f'<link rel="alternate" hreflang="x-default" href="{XD}" />',
    ]


def test_unclustered_page_only_references_itself(write_campaign: Any) -> None:
    data = changed(BASE, "markets.es-MX.pages", [*BASE["markets"]["es-MX"]["pages"],
                                                 {"url": "https://www.site.com/mx/isr/"}])
    campaign = load_campaign(write_campaign(data))
    assert planned_alternates(campaign, campaign.page("https://www.site.com/mx/isr/")) == {
        "es-MX": "https://www.site.com/mx/isr/"}
