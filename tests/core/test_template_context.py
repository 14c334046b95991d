"""The views templates see: built from rows and settings, read-only, holding plain values only."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from outreach.core import template_context as views
from outreach.core.briefs import parse_brief
from outreach.core.campaign_file import load_campaign
from outreach.core.formatting import formatter
from outreach.core.locale_folders import Library
from tests.core.workspaces import BRIEF_MX, mx_workspace, prospect

NBSP = "\u00a0"


def test_prospect_views_split_site_and_contact() -> None:
    site, contact = views.prospect_views(prospect(outlet=None, url="https://diario.mx/pymes/"))
    assert site == views.ProspectView(7, "diario.mx", None, "diario.mx", "https://diario.mx/pymes/", None,
                                      None, None)
    assert contact == views.ContactView("Ana Pérez", "Ana", "ana@diario.mx")


def test_views_are_frozen_and_have_no_instance_dict() -> None:
    site, _contact = views.prospect_views(prospect())
    with pytest.raises(dataclasses.FrozenInstanceError):
        site.name = "Otro"  # type: ignore[misc]
    assert not hasattr(site, "__dict__"), "slots: nothing to reach through __dict__"


def test_page_view_keeps_the_pages_own_language_keywords(demo_dir: Path) -> None:
    campaign = load_campaign(demo_dir)
    page = campaign.page("https://www.tallyro.com/mx/nomina/")
    assert views.page_view(page) == views.PageView(
        "https://www.tallyro.com/mx/nomina/", "Software de nómina", "payroll",
        ("software de nómina", "sistema de nómina", "nómina en línea"))


@pytest.mark.parametrize(("tag", "country", "language"), [
    pytest.param("es-MX", "México", "español", id="es-MX"),
    pytest.param("de-DE", "Deutschland", "Deutsch", id="de-DE"),
    pytest.param("pt-BR", "Brasil", "português", id="pt-BR"),
    pytest.param("fr-FR", "France", "français", id="fr-FR"),
])
def test_market_view_names_the_market_in_its_own_language(demo_dir: Path, tag: str, country: str,
                                                          language: str) -> None:
    market = load_campaign(demo_dir).market(tag)
    view = views.market_view(market, formatter(tag))
    assert (view.tag, view.country_name, view.language_name) == (tag, country, language)
    assert view.cities == market.cities


def test_hook_views_are_formatted_once_for_their_market() -> None:
    brief = parse_brief(BRIEF_MX, Path("briefs/es-MX.md"), "es-MX")
    mx, es = views.hook_views(brief, formatter("es-MX")), views.hook_views(brief, formatter("es-ES"))
    assert isinstance(mx, views.HookSet) and set(mx) == {"pymes", "salario"}
    assert (str(mx["salario"]), str(es["salario"])) == ("$1,234.50", f"1.234,50{NBSP}MXN")
    assert mx["salario"].currency == "MXN" and mx["pymes"].currency is None
    assert mx["pymes"].value == Decimal("68.4") and mx["pymes"].as_of == date(2026, 7, 31)
    assert views.hook_views(None, formatter("es-MX")) == {}


def test_market_context_is_the_shared_part(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws")
    campaign = load_campaign(root)
    settings = Library(root).market_settings("es-MX")
    brief = parse_brief(BRIEF_MX, Path("briefs/es-MX.md"), "es-MX")
    context = views.market_context(campaign, campaign.market("es-MX"), settings, brief, formatter("es-MX"))
    assert set(context) == {"market", "hooks", "sender", "locale", "brand"}
    assert context["sender"] == views.SenderView("Lucía Romero", "", "Site México", None, None)
    assert context["locale"] == views.LocaleView("usted", "ustedes", "Saludos cordiales,")
    assert context["brand"] == "Site"


def test_the_sender_company_defaults_to_the_brand(tmp_path: Path) -> None:
    root = mx_workspace(tmp_path / "ws")
    campaign = load_campaign(root)
    settings = Library(root).market_settings("es-ES")
    context = views.market_context(campaign, campaign.market("es-ES"), settings, None, formatter("es-ES"))
    assert context["sender"].company == "Site" and context["hooks"] == {}


def test_the_sample_prospect_belongs_to_the_market(demo_dir: Path) -> None:
    market = load_campaign(demo_dir).market("pt-BR")
    sample = views.sample_prospect(market)
    assert (sample.id, sample.market, sample.domain, sample.country) == (None, "pt-BR", "example.br", "BR")
    assert sample.first_name and sample.outlet


def test_view_fields_list_what_templates_may_read() -> None:
    assert views.view_fields(views.ContactView) == {"name", "first_name", "email"}
    assert {"value", "unit", "source", "source_url", "as_of", "display"} <= views.HOOK_FIELDS
    assert set(views.VIEWS) | {"anchor", "hooks", "brand"} == views.CONTEXT_NAMES
