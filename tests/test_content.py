"""The shipped briefs and templates are a tested contract: they parse, render for every prospect of
their market, pass QA without errors, and each market's text is written for that market."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from outreach.core import briefs, previews, qa
from outreach.core.campaign_file import load_campaign
from outreach.core.locale_folders import MESSAGES, REQUIRED_TEMPLATES, Library
from outreach.core.models import Prospect
from outreach.core.store import Store, register_campaign
from outreach.core.template_context import sample_prospect
from outreach.core.templates import Renderer

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN = load_campaign(REPO)
MARKETS = [market.tag for market in CAMPAIGN.by_priority()]
NBSP, NNBSP = "\u00a0", "\u202f"

PROSPECT_SHAPES: list[dict[str, Any]] = [
    {"outlet": "El Economista Pyme", "contact_name": "Ana Pérez", "first_name": "Ana"},
    {"outlet": "Revista Año Cero & Co. — Negocios", "contact_name": None, "first_name": None},
    {"outlet": None, "contact_name": "Seán O'Brien-Núñez", "first_name": "Seán"},
    {"outlet": None, "contact_name": None, "first_name": None, "email": None},
]
"""Prospects as imports deliver them: complete, without a contact, without an outlet, bare."""


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(CAMPAIGN)


@pytest.fixture
def stored_prospects(sqlite_url: str) -> dict[str, list[Prospect]]:
    """Prospects of every demo market, saved in a store and read back as the app would."""
    store = Store.open(sqlite_url, actor="tester")
    with store.transaction() as session:
        campaign_id = register_campaign(session, CAMPAIGN, "tester")
        for tag in MARKETS:
            for number, shape in enumerate(PROSPECT_SHAPES):
                domain = f"medio{number}.example.{tag.lower()}"
                fields = {"email": f"redaccion@{domain}", **shape}
                session.add(Prospect(campaign_id=campaign_id, market=tag, identity=domain, domain=domain,
                                     **fields))
    with store.transaction() as session:
        return {tag: previews.market_prospects(session, campaign_id, tag) for tag in MARKETS}


def test_every_shipped_brief_parses_with_sourced_hooks() -> None:
    loaded = briefs.load_briefs(REPO, CAMPAIGN)
    assert set(loaded) == set(MARKETS)
    for tag, brief in loaded.items():
        assert brief is not None, f"{tag} has no brief"
        assert brief.topics and brief.angles and brief.formats and brief.source_types and brief.hooks
        marks = ("ilustrativ", "illustrati", "beispielhaft")
        assert any(mark in brief.prose.lower() for mark in marks), f"{tag}: say the figures are illustrative"
        flags = list(briefs.brief_flags(brief, date(2026, 11, 22)))
        assert flags == [], f"{tag}: {flags}"
    assert briefs.stray_briefs(REPO, CAMPAIGN) == []


@pytest.mark.parametrize("tag", MARKETS)
def test_every_demo_market_has_its_own_templates(tag: str) -> None:
    library = Library(REPO)
    assert library.template_names(tag) == list(REQUIRED_TEMPLATES)
    for name in REQUIRED_TEMPLATES:
        source = library.resolve(tag, name)
        assert (source.folder, source.origin) == (tag, "own")


@pytest.mark.parametrize("tag", MARKETS)
def test_every_template_renders_for_every_prospect_and_page(
        renderer: Renderer, tag: str, stored_prospects: dict[str, list[Prospect]]) -> None:
    prospects = stored_prospects[tag]
    assert len(prospects) == len(PROSPECT_SHAPES)
    for page in CAMPAIGN.market(tag).pages:
        result = previews.preview(renderer, tag, prospects, MESSAGES, page=page, anchor="guía de nómina")
        assert result.failures == [], [str(failure.error) for failure in result.failures]
        assert len(result.rendered) == len(prospects) * len(MESSAGES)
        for _prospect, message in result.rendered:
            assert "None" not in message.body and "None" not in message.subject
            assert page.url in message.body or message.message == "followup-2"
            assert "\n\n\n" not in message.body, "no stray blank lines around blocks"


@pytest.mark.parametrize("tag", MARKETS)
def test_every_template_passes_qa_without_errors(renderer: Renderer, tag: str) -> None:
    for on in (date(2026, 11, 22), date.today()):
        for name, found in qa.check_market(renderer, tag, today=on).items():
            errors = [str(finding) for finding in found if finding.severity == "error"]
            assert errors == [], f"{tag} {name}: {errors}"
    found = qa.check_market(renderer, tag, today=date(2026, 11, 22))
    assert all(not items for items in found.values()), {n: [str(f) for f in i] for n, i in found.items()}


def _pitch(renderer: Renderer, tag: str, page: int = 0) -> str:
    market = CAMPAIGN.market(tag)
    message = renderer.render(tag, sample_prospect(market), page=market.pages[page])
    return f"{message.subject}\n{message.body}"


@pytest.mark.parametrize(("tag", "page", "present", "absent"), [
    pytest.param("es-MX", 0, ["Buen día", "Le escribo", "nómina", "quincena", "IMSS", "platicamos",
                              "$315.04"], ["nóminas", "charlamos", " os ", "Te escribo", "€"],
                 id="es-MX payroll: usted, Mexican terms"),
    pytest.param("es-MX", 1, ["CFDI", "timbrar", "SAT", "1,480,000,000 de recibos", "$17,020"],
                 ["Verifactu", "AEAT"], id="es-MX e-invoicing: CFDI, a 'many' plural"),
    pytest.param("es-ES", 0, ["Hola", "Te escribo", "nóminas", "autónomos", "os puede", "charlamos",
                              f"1.221{NBSP}€", "«"], ["platicamos", "CFDI", "Le escribo", "$"],
                 id="es-ES payroll: tú and vosotros, Spanish terms"),
    pytest.param("es-ES", 1, ["Verifactu", "1 de enero de 2027", f"50.000{NBSP}€"], ["CFDI", "timbrar"],
                 id="es-ES e-invoicing: Verifactu"),
    pytest.param("es-AR", 0, ["podés", "querés", "liquidar sueldos", "24,9%", "$357.000"],
                 ["puedes", "quieres", "vosotros", "platicamos"], id="es-AR: voseo, ARS"),
    pytest.param("de-DE", 0, ["Guten Tag", "Ihnen", f"99,3{NBSP}%", f"13,90{NBSP}€", "„"], ["du ", "dir "],
                 id="de-DE: Sie"),
    pytest.param("en-GB", 0, ["Hi Alex", "£12.71", "1 April 2026", "HMRC"], ["$", "IRS"], id="en-GB"),
    pytest.param("fr-FR", 0, ["Bonjour", "vous", f"12,02{NBSP}€", f"2{NNBSP}800{NNBSP}000", f"ici{NBSP}:",
                              f"«{NBSP}"], [" tu ", "t'"], id="fr-FR: vous, French typography"),
    pytest.param("pt-BR", 1, ["Olá", "você", "16.000.000 de MEIs", "NF-e"], [" tu ", "teu"],
                 id="pt-BR: você, a 'many' plural"),
])
def test_each_market_is_written_for_its_market(renderer: Renderer, tag: str, page: int, present: list[str],
                                               absent: list[str]) -> None:
    text = _pitch(renderer, tag, page)
    assert [word for word in present if word not in text] == []
    assert [word for word in absent if word in text] == []


def test_es_mx_and_es_es_differ_in_more_than_numbers(renderer: Renderer) -> None:
    mx, es = _pitch(renderer, "es-MX"), _pitch(renderer, "es-ES")
    mx_words, es_words = set(mx.lower().split()), set(es.lower().split())
    shared = mx_words & es_words
    assert len(shared) / len(mx_words | es_words) < 0.3, "the texts are written separately"


def _workspace_with(tmp_path: Path, tag: str, timezone: str, path: str) -> Path:
    """A copy of the demo's content plus one market that has no locale folder of its own."""
    data = {**CAMPAIGN.model_dump(mode="json", exclude={"source"}, exclude_none=True)}
    page = {"url": f"https://www.tallyro.com{path}nomina/", "cluster": "payroll"}
    data["markets"] = {tag: {"timezone": timezone, "path": path, "pages": [page]}}
    data.pop("clusters")
    for market in data["markets"].values():
        market.pop("tag", None)
    (tmp_path / "campaign.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    (tmp_path / "locales").symlink_to(REPO / "locales")
    (tmp_path / "briefs").mkdir()
    return tmp_path


def test_a_latin_american_market_without_a_folder_uses_es_419(tmp_path: Path) -> None:
    renderer = Renderer(load_campaign(_workspace_with(tmp_path, "es-CO", "America/Bogota", "/co/")))
    market = renderer.campaign.market("es-CO")
    message = renderer.render("es-CO", sample_prospect(market))
    assert message.body_source.folder == "es-419" and message.body_source.origin == "ancestor"
    assert "Colombia" in message.subject and "Le escribo" in message.body
    found = qa.check_market(renderer, "es-CO", today=date(2026, 11, 22))
    assert all(not items for items in found.values()), {n: [str(f) for f in i] for n, i in found.items()}


def test_a_market_in_another_language_falls_back_to_default_and_qa_says_so(tmp_path: Path) -> None:
    renderer = Renderer(load_campaign(_workspace_with(tmp_path, "it-IT", "Europe/Rome", "/it/")))
    market = renderer.campaign.market("it-IT")
    message = renderer.render("it-IT", sample_prospect(market))
    assert message.body_source.folder == "default" and message.body.startswith("Hello Alex,")
    pitch = qa.check_template(renderer, "it-IT", "pitch", today=date(2026, 11, 22))
    assert [(f.check, f.severity) for f in pitch] == [("other-language", "error")]
    assert "reads as English" in pitch[0].message and "not Italian" in pitch[0].message
