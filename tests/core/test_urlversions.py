"""The site architecture mapped to URL versions: which market a URL belongs to."""

from __future__ import annotations

from typing import Any

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.urlversions import Placement, place_url, version_containing, version_of_market
from tests.campaigns import base_campaign

ROOTS = {
    "subfolder": {"es-MX": "https://www.site.com/mx/", "es-ES": "https://www.site.com/es/"},
    "subdomain": {"es-MX": "https://mx.site.com/", "es-ES": "https://es.site.com/"},
    "cctld": {"es-MX": "https://www.site.com.mx/", "es-ES": "https://www.site.es/"},
}


@pytest.mark.parametrize("architecture", ROOTS)
def test_each_architecture_gives_each_market_its_version(architecture: str, write_campaign: Any) -> None:
    campaign = load_campaign(write_campaign(base_campaign(architecture)))
    roots = {tag: version_of_market(campaign, market).root_url for tag, market in campaign.markets.items()}
    assert roots == ROOTS[architecture]


# (architecture, url, placement for an es-MX prospect, market of the version found)
PLACEMENTS: dict[str, tuple[str, str, Placement, str | None]] = {
    "subfolder own page": ("subfolder", "https://www.site.com/mx/nomina/", Placement.OWN, "es-MX"),
    "subfolder own root without slash": ("subfolder", "https://www.site.com/mx", Placement.OWN, "es-MX"),
    "subfolder without www": ("subfolder", "https://site.com/mx/nomina/", Placement.OWN, "es-MX"),
    "subfolder other market": ("subfolder", "https://www.site.com/es/nominas/",
                               Placement.OTHER_MARKET, "es-ES"),
    "subfolder site root": ("subfolder", "https://www.site.com/", Placement.SITE_ROOT, None),
    "subfolder look-alike prefix": ("subfolder", "https://www.site.com/mxn/precios/",
                                    Placement.SITE_ROOT, None),
    "subfolder global page": ("subfolder", "https://www.site.com/payroll/", Placement.SITE_ROOT, None),
    "subdomain own": ("subdomain", "https://mx.site.com/nomina/", Placement.OWN, "es-MX"),
    "subdomain other": ("subdomain", "https://es.site.com/", Placement.OTHER_MARKET, "es-ES"),
    "subdomain root domain": ("subdomain", "https://www.site.com/", Placement.SITE_ROOT, None),
    "cctld own": ("cctld", "https://www.site.com.mx/nomina/", Placement.OWN, "es-MX"),
    "cctld other": ("cctld", "http://site.es/nominas/", Placement.OTHER_MARKET, "es-ES"),
    "cctld global .com": ("cctld", "https://www.site.com/", Placement.SITE_ROOT, None),
    "off site": ("subfolder", "https://elsewhere.mx/mx/", Placement.OFF_SITE, None),
    "relative": ("subfolder", "/mx/nomina/", Placement.RELATIVE, None),
    "upper-case host": ("subfolder", "https://WWW.SITE.COM/mx/", Placement.OWN, "es-MX"),
}


@pytest.mark.parametrize("name", PLACEMENTS)
def test_place_url(name: str, write_campaign: Any) -> None:
    architecture, url, placement, market = PLACEMENTS[name]
    campaign = load_campaign(write_campaign(base_campaign(architecture)))
    verdict = place_url(campaign, url, "es-MX")
    assert verdict.placement is placement
    assert (verdict.version.market if verdict.version else None) == market


def test_longest_prefix_wins(write_campaign: Any) -> None:
    data = base_campaign()
    data["markets"]["ca-ES"] = {"timezone": "Europe/Madrid", "path": "/es/ca/"}
    campaign = load_campaign(write_campaign(data))
    found = version_containing(campaign, "https://www.site.com/es/ca/nomines/")
    assert found is not None and found.market == "ca-ES"
    found = version_containing(campaign, "https://www.site.com/es/nominas/")
    assert found is not None and found.market == "es-ES"
