"""`outreach gap`: domains linking to competitors but not to us become prospects, grouped by market."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.dnc import add_entry
from outreach.core.gap import import_gap
from outreach.core.models import Prospect
from outreach.errors import ImportFileError
from tests.placements.conftest import World

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _prospects(world: World) -> dict[str, Prospect]:
    with world.store.transaction() as session:
        return {row.domain: row for row in session.exec(select(Prospect))}


def test_semrush_backlink_gap_skips_sites_linking_to_us(world: World) -> None:
    with world.store.transaction() as session:
        report = import_gap(session, world.campaign, world.campaign_id, FIXTURES / "semrush_gap.csv", "lead")
    assert (report.format, report.ours, report.competitors) == (
        "semrush-gap", "tallyro.com", ["competidor.com.mx", "otrorival.mx"])
    assert (report.already_linking, report.added, report.unassigned) == (1, {"es-MX": (2, 0)}, [])
    found = _prospects(world)
    assert sorted(found) == ["gestionpyme.com.mx", "sololarival.mx"]
    assert found["gestionpyme.com.mx"].origin == "gap:competidor.com.mx,otrorival.mx"
    assert found["sololarival.mx"].origin == "gap:competidor.com.mx"
    assert (found["sololarival.mx"].market, found["sololarival.mx"].locality) == ("es-MX", "local")
    assert found["gestionpyme.com.mx"].metrics == {"as": 40.0}


def test_ahrefs_link_intersect_groups_by_market_and_reports_the_undecided(world: World) -> None:
    with world.store.transaction() as session:
        report = import_gap(session, world.campaign, world.campaign_id, FIXTURES / "ahrefs_intersect.csv", "lead")
    assert report.ours is None and report.competitors == ["competidor.com.mx", "otrorival.mx"]
    assert report.added == {"es-AR": (1, 0)}
    assert report.unassigned == ["tecnoayuda.com"]
    assert _prospects(world)["emprendedores.com.ar"].origin == "gap:competidor.com.mx,otrorival.mx"


def test_a_forced_market_takes_every_gap_domain_and_blocklists_apply(world: World) -> None:
    with world.store.transaction() as session:
        add_entry(session, "tecnoayuda.com", reason="asked us not to write", actor="lead")
    with world.store.transaction() as session:
        report = import_gap(session, world.campaign, world.campaign_id, FIXTURES / "ahrefs_intersect.csv",
                            "lead", market="es-MX")
    assert report.added == {"es-MX": (2, 0)} and report.do_not_contact == 1
    found = _prospects(world)
    assert found["tecnoayuda.com"].do_not_contact
    assert found["emprendedores.com.ar"].locality == "global"


def test_a_backlinks_export_is_not_a_gap_report(world: World) -> None:
    with pytest.raises(ImportFileError, match=r"Semrush Backlinks export, not an Ahrefs Link Intersect"), \
            world.store.transaction() as session:
        import_gap(session, world.campaign, world.campaign_id, FIXTURES / "semrush_backlinks.csv", "lead")
    assert _prospects(world) == {}
