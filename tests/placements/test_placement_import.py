"""Placements from Ahrefs, Semrush, Majestic and BuzzStream exports, and from won requests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import placements, requests, tally
from outreach.core.models import LinkRequest, Placement, Prospect
from outreach.core.placement_import import import_placements
from outreach.core.placement_list import list_placements
from outreach.errors import BadRowsError, ImportFileError, RequestError
from tests.placements.conftest import NOMINA, World

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TODAY = date(2026, 11, 2)


def _import(world: World, path: Path, **options: object) -> object:
    with world.store.transaction() as session:
        return import_placements(session, world.campaign, world.campaign_id, path, "tester", today=TODAY,
                                 **options)  # type: ignore[arg-type]


def _placements(world: World) -> dict[str, Placement]:
    with world.store.transaction() as session:
        return {row.source_url: row for row in session.exec(select(Placement))}


def test_ahrefs_backlinks_match_target_pages_of_every_market(world: World) -> None:
    report = _import(world, FIXTURES / "ahrefs_backlinks.csv")
    assert (report.format, report.rows, report.new, report.known) == ("ahrefs-backlinks", 3, 3, 0)
    assert report.markets == {"es-MX": 2, "de-DE": 1}
    rows = _placements(world)
    pymes = rows["https://www.revistapymes.com.mx/nomina/calcular/"]
    assert (pymes.market, pymes.page_url, pymes.anchor_class, pymes.anchor_keyword) == (
        "es-MX", NOMINA, "exact", "software de nómina")
    assert (pymes.country, pymes.language, pymes.locality) == ("MX", "es", "local")
    assert (pymes.source_domain, pymes.found_on, pymes.rel) == ("revistapymes.com.mx", date(2025, 1, 2), "follow")
    assert pymes.origin == "import:ahrefs_backlinks.csv"
    assert rows["https://freelancehub.com/es/nomina/"].anchor_class == "naked-url"
    assert rows["https://mittelstand-heute.de/lohn/"].market == "de-DE"


def test_imported_placements_count_in_the_rule_gate(world: World) -> None:
    _import(world, FIXTURES / "ahrefs_backlinks.csv")
    with world.store.transaction() as session:
        profiles = tally.page_profiles(session, world.campaign_id, {NOMINA}, markets={"es-MX"})
        assert profiles[NOMINA].classes == {"exact": 1, "naked-url": 1}
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)


def test_semrush_rel_flags_and_majestic_backlinks(world: World) -> None:
    semrush = _import(world, FIXTURES / "semrush_backlinks.csv")
    majestic = _import(world, FIXTURES / "majestic_backlinks.csv")
    assert (semrush.format, semrush.new, majestic.format, majestic.new) == (
        "semrush-backlinks", 2, "majestic-backlinks", 1)
    rows = _placements(world)
    assert rows["https://blog.comparasoft.com/mx/nomina/"].rel == "nofollow"
    assert rows["https://www.autonomosaldia.es/guia-facturacion/"].market == "es-ES"
    assert rows["https://www.gestion-tpe.fr/paie/logiciels/"].anchor_class == "exact"


def test_reimporting_adds_nothing(world: World) -> None:
    _import(world, FIXTURES / "ahrefs_backlinks.csv")
    again = _import(world, FIXTURES / "ahrefs_backlinks.csv")
    assert (again.new, again.known) == (0, 3)
    assert len(_placements(world)) == 3


def test_buzzstream_link_partners_with_cost_bad_rows_and_unmatched_targets(world: World) -> None:
    report = _import(world, FIXTURES / "placements" / "buzzstream_links.csv", placed_by="Ana Torres")
    assert (report.format, report.new) == ("buzzstream-links", 2)
    assert report.unmatched == {"https://www.tallyro.com/blog/otra/": 1}
    assert [(bad.row, bad.field) for bad in report.bad_rows] == [(5, "Linking From"), (6, "Payment Date")]
    rows = _placements(world)
    paid = rows["https://www.revistapymes.com.mx/guia/"]
    assert (paid.cost, paid.cost_currency, paid.reason, paid.placed_by) == (2500.0, "MXN", "Purchase", "Ana Torres")
    assert paid.page_url == "https://www.tallyro.com/mx/facturacion-electronica/"
    assert rows["https://blognomina.mx/calculo-isr/"].cost is None


def test_strict_import_with_bad_rows_writes_nothing(world: World) -> None:
    with pytest.raises(BadRowsError, match=r"buzzstream_links.csv: row 5: Linking From: 'not a url'"):
        _import(world, FIXTURES / "placements" / "buzzstream_links.csv", strict=True)
    assert _placements(world) == {}


def test_a_prospect_list_is_not_a_backlinks_export(world: World) -> None:
    with pytest.raises(ImportFileError, match=r"outreach_prospects.csv: not a backlinks export"):
        _import(world, FIXTURES / "outreach_prospects.csv")


def _won_request(world: World) -> int:
    with world.store.transaction() as session:
        prospect = Prospect(campaign_id=world.campaign_id, market="es-MX", identity="diario.mx|",
                            domain="diario.mx", country="MX", language="es", locality="local")
        session.add(prospect)
        session.flush()
        request = LinkRequest(campaign_id=world.campaign_id, market="es-MX", prospect_id=prospect.id or 0,
                              page_url=NOMINA, anchor="Tallyro", anchor_class="branded", state="sent",
                              locality="local", counted_on=date(2026, 10, 1), created_by="ana")
        session.add(request)
        session.flush()
        tally.bump(session, tally.request_entry(request), +1)
        return request.id or 0


def test_a_won_request_becomes_a_placement_with_its_details(world: World) -> None:
    request_id = _won_request(world)
    with world.store.transaction() as session:
        request = session.get(LinkRequest, request_id)
        placement = requests.mark_won(session, request, source_url="https://diario.mx/nota", actor="ana",
                                      found_on=date(2026, 10, 9))
        placements.details_of_win(session, placement, "ana", reason="Top local business daily", cost=0,
                                  currency="mxn", rel="follow")
    with world.store.transaction() as session:
        views = list_placements(session, world.campaign_id, market="es-MX")
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)
    row = views[0].placement
    assert (row.origin, row.placed_by, row.reason, row.cost_currency, row.request_id) == (
        "request", "ana", "Top local business daily", "MXN", request_id)
    assert views[0].check is None


@pytest.mark.parametrize(("options", "message"), [
    ({"rel": "dofollow"}, "unknown rel 'dofollow'"),
    ({"cost": -5.0}, "cannot be negative"),
    ({"currency": "pesos"}, "not an ISO 4217 currency code"),
])
def test_win_details_are_checked(world: World, options: dict[str, object], message: str) -> None:
    placement_id = world.place("https://diario.mx/nota")
    with pytest.raises(RequestError, match=message), world.store.transaction() as session:
        placements.details_of_win(session, session.get(Placement, placement_id), "ana", **options)  # type: ignore[arg-type]
