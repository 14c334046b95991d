"""Loading campaign.toml: good campaigns load, broken ones name the file, the key and the fault."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.workspace import template_text
from outreach.errors import CampaignError, NotFoundError
from tests.campaigns import base_campaign, changed

BASE = base_campaign()

BROKEN: dict[str, tuple[dict[str, Any] | str, str]] = {
    "unknown timezone": (
        changed(BASE, "markets.es-MX.timezone", "America/Mexico"),
        "markets.es-MX.timezone: unknown timezone 'America/Mexico'"),
    "en-UK market": (
        changed(changed(BASE, "markets.es-ES", None), "markets.en-UK",
                {"timezone": "Europe/London", "path": "/uk/"}),
        "markets.en-UK: 'en-UK': 'UK' is not an ISO 3166-1 code; use 'en-GB'"),
    "UN M.49 region": (
        changed(BASE, "markets.es-419", {"timezone": "America/Bogota", "path": "/la/"}),
        "markets.es-419: 'es-419': Google accepts only ISO 3166-1 alpha-2 regions"),
    "language without country": (
        changed(BASE, "markets.es", {"timezone": "Europe/Madrid", "path": "/x/"}),
        "markets.es: 'es': a market is a language and a country"),
    "region without language": (
        changed(BASE, "markets.MX", {"timezone": "America/Mexico_City", "path": "/x/"}),
        "markets.MX: 'MX': a region with no language"),
    "subfolder market without path": (
        changed(BASE, "markets.es-ES.path", None),
        "markets.es-ES.path: required for a subfolder campaign"),
    "subfolder without host": (
        changed(BASE, "architecture.host", None),
        "architecture.host: required for a subfolder campaign"),
    "cctld market without host": (
        changed(base_campaign("cctld"), "markets.es-MX.host", None),
        "markets.es-MX.host: required for a cctld campaign"),
    "typo in a key": (
        changed(BASE, "markets.es-MX.timezon", "Europe/Madrid"),
        "markets.es-MX.timezon: unknown key (did you mean 'timezone'?)"),
    "unknown mix rule": (
        changed(BASE, "markets.es-MX.pages[0].mix", "local-only"),
        "markets.es-MX.pages[1].mix: Input should be 'local-first', 'balanced' or 'global-first'"),
    "page URL used twice": (
        changed(BASE, "markets.es-ES.pages[0].url", "https://www.site.com/mx/nomina/"),
        "pages[1].url: 'https://www.site.com/mx/nomina/' is already a page of es-"),
    "language disagrees with tag": (
        changed(BASE, "markets.es-MX.language", "pt"),
        "markets.es-MX: language 'pt' does not agree with the tag 'es-MX'"),
    "holidays of another country": (
        changed(BASE, "markets.es-MX.holidays", "ES-MD"),
        "markets.es-MX.holidays: 'ES-MD' is not in the market's country MX"),
    "unknown subdivision": (
        changed(BASE, "markets.es-ES.holidays", "ES-XX"),
        "markets.es-ES.holidays: 'ES-XX' is not an ISO 3166-2 subdivision"),
    "rule override out of range": (
        changed(BASE, "markets.es-MX.rules", {"anchor_mix": {"exact_block": 2}}),
        "markets.es-MX.rules.anchor_mix.exact_block: Input should be less than or equal to 1"),
    "unknown rule setting": (
        changed(BASE, "rules", {"anchor_mix": {"exact_blok": 0.2}}),
        "rules.anchor_mix.exact_blok: unknown key (did you mean 'exact_block'?)"),
    "warn above block": (
        changed(BASE, "rules", {"anchor_mix": {"exact_warn": 0.3}}),
        "rules.anchor_mix: exact_warn must not be above exact_block"),
    "hours backwards": (
        changed(BASE, "markets.es-MX.business_hours", ["18:00-09:00"]),
        "markets.es-MX.business_hours[1]: '18:00-09:00' ends before it starts"),
    "hours not a window": (
        changed(BASE, "markets.es-MX.business_hours", ["9 to 5"]),
        "markets.es-MX.business_hours[1]: '9 to 5' is not a window like '09:30-13:30'"),
    "no business days": (
        changed(BASE, "markets.es-MX.business_days", []),
        "markets.es-MX.business_days: a market needs at least one business day"),
    "bad campaign id": (
        changed(BASE, "campaign.id", "My Campaign"),
        "campaign.id: String should match pattern"),
    "no brands": (
        changed(BASE, "campaign.brands", []),
        "campaign.brands: Tuple should have at least 1 item"),
    "missing campaign table": (
        changed(BASE, "campaign", None), "campaign: required but missing"),
    "cluster without pages": (
        changed(BASE, "clusters.pricing", {"x_default": "https://www.site.com/pricing/"}),
        "clusters.pricing: no page belongs to this cluster"),
    "two markets on one version": (
        changed(BASE, "markets.es-ES.path", "/mx/"), "markets.es-ES: same host and path as market"),
    "keywords in an unknown language": (
        changed(BASE, "markets.es-MX.pages[0].keywords", {"xx": ["nómina"]}),
        "markets.es-MX.pages[1].keywords: 'xx' is not an ISO 639-1 language code"),
    "path without slashes": (
        changed(BASE, "markets.es-MX.path", "mx"),
        "markets.es-MX.path: 'mx' must start and end with '/'"),
    "invalid TOML": (
        '[campaign]\nid = "x"\nname = \n', "invalid TOML: Invalid value (at line 3, column 8)"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_campaign_names_file_key_and_fault(name: str, write_campaign: Any) -> None:
    content, expected = BROKEN[name]
    folder = write_campaign(content)
    with pytest.raises(CampaignError) as caught:
        load_campaign(folder)
    assert any(
        problem.startswith(f"{folder / 'campaign.toml'}: ") and expected in problem
        for problem in caught.value.problems
    ), caught.value.problems


def test_every_problem_is_reported_at_once(write_campaign: Any) -> None:
    broken = changed(changed(BASE, "markets.es-MX.timezone", "Mars/Base"), "markets.es-ES.priority", 0)
    with pytest.raises(CampaignError) as caught:
        load_campaign(write_campaign(broken))
    keys = {problem.split(": ")[1] for problem in caught.value.problems}
    assert keys == {"markets.es-MX.timezone", "markets.es-ES.priority"}


def test_missing_file_suggests_init(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match=r"campaign.toml: file not found; run `outreach init`"):
        load_campaign(tmp_path)


def test_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    (tmp_path / "campaign.toml").write_bytes("[campaign]\nname = 'Año'\n".encode("cp1252"))
    with pytest.raises(CampaignError, match=r"campaign.toml: not UTF-8 text"):
        load_campaign(tmp_path)


GOOD: dict[str, dict[str, Any]] = {
    "subfolder": base_campaign("subfolder"),
    "subdomain": base_campaign("subdomain"),
    "cctld": base_campaign("cctld"),
    "lower-case tag": changed(changed(BASE, "markets.es-ES", None), "markets.es-es",
                              {"timezone": "Europe/Madrid", "path": "/es/"}),
    "explicit language and country": changed(changed(BASE, "markets.es-MX.language", "es"),
                                             "markets.es-MX.country", "mx"),
    "holiday subdivision": changed(BASE, "markets.es-ES.holidays", "ES-MD"),
    "split business hours": changed(BASE, "markets.es-ES.business_hours",
                                    ["09:00-14:00", "16:00-18:30"]),
    "language-only page": changed(BASE, "markets.es-ES.pages[0].hreflang", "es"),
    "keywords in two languages": changed(BASE, "markets.es-MX.pages[0].keywords",
                                         {"es": ["nómina"], "en": ["payroll"]}),
}


@pytest.mark.parametrize("name", GOOD)
def test_good_campaign_loads(name: str, write_campaign: Any) -> None:
    campaign = load_campaign(write_campaign(GOOD[name]))
    assert set(campaign.markets) == {"es-MX", "es-ES"}
    assert campaign.market("es-mx").country == "MX"


def test_demo_campaign_has_seven_markets_three_spanish(demo_dir: Path) -> None:
    campaign = load_campaign(demo_dir)
    assert len(campaign.markets) >= 6
    spanish = {tag for tag, market in campaign.markets.items() if market.language == "es"}
    assert spanish == {"es-MX", "es-ES", "es-AR"}
    assert {"de-DE", "en-GB"} <= set(campaign.markets)
    assert campaign.market("es-MX").priority == 1


def test_init_template_is_a_valid_campaign(tmp_path: Path) -> None:
    (tmp_path / "campaign.toml").write_text(template_text(), encoding="utf-8")
    campaign = load_campaign(tmp_path)
    assert campaign.market("en-GB").pages[0].keywords == {"en": ("example product", "product for teams")}


def test_market_rule_overrides_merge_over_campaign_rules(write_campaign: Any) -> None:
    data = changed(BASE, "rules", {"anchor_mix": {"exact_warn": 0.04}, "cooldown": {"days": 60}})
    data = changed(data, "markets.es-MX.rules", {"anchor_mix": {"exact_block": 0.08},
                                                  "quality": {"min": {"dr": 15}}})
    campaign = load_campaign(write_campaign(data))
    mx, es = campaign.rules_for("es-MX"), campaign.rules_for("es-ES")
    assert (mx.anchor_mix.exact_warn, mx.anchor_mix.exact_block) == (0.04, 0.08)
    assert mx.quality.min == {"dr": 15} and mx.cooldown.days == 60
    assert (es.anchor_mix.exact_block, es.quality.min) == (0.10, {"dr": 20.0})


def test_defaults_come_from_cldr_and_the_tag(write_campaign: Any) -> None:
    data = changed(BASE, "markets.ar-EG", {"timezone": "Africa/Cairo", "path": "/eg/"})
    campaign = load_campaign(write_campaign(data))
    egypt, mexico = campaign.market("ar-EG"), campaign.market("es-MX")
    assert egypt.business_days == ("mon", "tue", "wed", "thu", "sun")
    assert mexico.business_days == ("mon", "tue", "wed", "thu", "fri")
    assert mexico.business_hours == ((time(9, 0), time(17, 30)),)
    assert mexico.holiday_region == "MX"
    assert mexico.pages[0].keywords == {"es": ("software de nómina",)}
    assert mexico.pages[0].hreflang == "es-MX"


def test_unknown_market_names_the_known_ones(write_campaign: Any) -> None:
    campaign = load_campaign(write_campaign(BASE))
    with pytest.raises(NotFoundError, match=r"unknown market 'pt-BR'.*markets: es-ES, es-MX"):
        campaign.market("pt-BR")
