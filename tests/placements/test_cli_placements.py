"""`outreach placements`, `verify`, `gap` and `report` from the shell, on the demo campaign."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from outreach.core import tally
from outreach.core.campaign_file import load_campaign
from outreach.core.models import LinkRequest, Prospect
from outreach.core.store import Store
from tests.placements.conftest import NOMINA, PageServer, Route, World, page
from tests.test_cli import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def base(demo_dir: Path, sqlite_url: str) -> list[Any]:
    return ["-C", demo_dir, "--db", sqlite_url, "--user", "pat"]


def test_import_list_and_report(base: list[Any], tmp_path: Path) -> None:
    result = run(*base, "placements", "import", FIXTURES / "ahrefs_backlinks.csv")
    assert result.exit_code == 0, result.output
    assert "3 rows, 3 new placements (de-DE 1, es-MX 2; 0 already lost), 0 already logged" in result.output
    listed = json.loads(run(*base, "placements", "list", "--market", "es-MX", "--json").stdout)
    assert {row["source_domain"] for row in listed} == {"revistapymes.com.mx", "freelancehub.com"}
    assert listed[0]["check"] is None and listed[0]["origin"] == "import:ahrefs_backlinks.csv"
    table = run(*base, "report", "--market", "es-MX")
    assert table.exit_code == 0, table.output
    assert "Pipeline funnel" in table.output and "Anchor classes on /mx/nomina/" in table.output
    html = tmp_path / "report.html"
    assert run(*base, "report", "--format", "html", "--out", html).exit_code == 0
    assert html.read_text(encoding="utf-8").count("<svg") >= 7 * 4
    data = json.loads(run(*base, "report", "-m", "es-MX", "--format", "json").stdout)
    assert data["markets"][0]["locality"][0]["page"] == "/mx/nomina/"
    rows = list(csv.reader(io.StringIO(run(*base, "report", "-m", "es-MX", "-f", "csv").stdout)))
    assert rows[0][:3] == ["market", "section", "found"] and len(rows) > 10
    bad = run(*base, "report", "--format", "pdf")
    assert bad.exit_code != 0 and "'pdf' is not one of table, csv, md, html, json" in bad.output


def test_verify_reports_what_it_found(base: list[Any], demo_dir: Path, sqlite_url: str,
                                      page_server: PageServer) -> None:
    page_server.routes["/nota"] = Route(page(f'<a rel="nofollow" href="{NOMINA}">Tallyro</a>'))
    store = Store.open(sqlite_url, "pat")
    campaign = load_campaign(demo_dir)
    World(store, campaign, store.campaign_id(campaign)).place(page_server.url("/nota"))
    store.engine.dispose()
    result = run(*base, "verify", "--market", "es-MX", "--timeout", "3")
    assert result.exit_code == 0, result.output
    assert "checked 1 page(s): nofollow 1" in result.output
    assert "nofollow: placement #1 follow → nofollow" in result.output
    listed = json.loads(run(*base, "placements", "list", "--json").stdout)
    assert (listed[0]["rel"], listed[0]["check"]) == ("nofollow", "nofollow")


def test_verify_names_the_sites_a_crawl_delay_slowed(base: list[Any], demo_dir: Path, sqlite_url: str,
                                                     page_server: PageServer) -> None:
    page_server.routes.update({"/robots.txt": Route("User-agent: *\nCrawl-delay: 1\n"),
                               "/nota": Route(page(f'<a href="{NOMINA}">Tallyro</a>'))})
    store = Store.open(sqlite_url, "pat")
    campaign = load_campaign(demo_dir)
    World(store, campaign, store.campaign_id(campaign)).place(page_server.url("/nota"))
    store.engine.dispose()
    result = run(*base, "verify", "--timeout", "3")
    assert result.exit_code == 0, result.output
    assert f"checked 1 page(s): ok 1\nslowed by Crawl-delay: {page_server.base} 1 s\n" in result.output


def test_gap_adds_prospects_by_market(base: list[Any]) -> None:
    result = run(*base, "gap", FIXTURES / "ahrefs_intersect.csv")
    assert result.exit_code == 0, result.output
    assert "es-AR: 1 gap domain(s): 1 new prospect(s), 0 updated" in result.output
    assert "no single market for 1 domain(s) (tecnoayuda.com…): rerun with --market TAG" in result.output
    wrong = run(*base, "gap", FIXTURES / "semrush_backlinks.csv")
    assert wrong.exit_code != 0 and "not an Ahrefs Link Intersect or Semrush Backlink Gap" in wrong.output


def test_won_logs_the_placement(base: list[Any], demo_dir: Path, sqlite_url: str) -> None:
    store = Store.open(sqlite_url, "pat")
    campaign_id = store.campaign_id(load_campaign(demo_dir))
    with store.transaction() as session:
        prospect = Prospect(campaign_id=campaign_id, market="es-MX", identity="diario.mx|", domain="diario.mx")
        session.add(prospect)
        session.flush()
        request = LinkRequest(campaign_id=campaign_id, market="es-MX", prospect_id=prospect.id or 0,
                              page_url=NOMINA, anchor="Tallyro", anchor_class="branded", state="replied",
                              counted_on=date(2026, 10, 1), created_by="pat")
        session.add(request)
        session.flush()
        tally.bump(session, tally.request_entry(request), +1)
    store.engine.dispose()
    result = run(*base, "placements", "won", "1", "--source-url", "https://diario.mx/nota", "--on", "2026-11-02",
                 "--reason", "Biggest local daily", "--cost", "1200", "--currency", "MXN")
    assert result.exit_code == 0, result.output
    assert "request #1 won: placement #1 https://diario.mx/nota" in result.output
    listed = json.loads(run(*base, "placements", "list", "--json").stdout)[0]
    assert (listed["found_on"], listed["reason"], listed["cost"], listed["cost_currency"]) == (
        date(2026, 11, 2).isoformat(), "Biggest local daily", 1200.0, "MXN")
    again = run(*base, "placements", "won", "1", "--source-url", "https://diario.mx/nota")
    assert again.exit_code != 0 and "request #1 is won; only sent or replied ones can be won" in again.output
