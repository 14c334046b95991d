"""The same sites seen from different markets and campaigns: locality, DNC and clusters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from outreach.core import dnc
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Prospect
from outreach.core.prospect_dedupe import find_duplicates, refresh_clusters
from outreach.core.prospects import ImportOptions, import_file
from tests.campaigns import base_campaign
from tests.core.conftest import Env, session_rows, write_csv_text

SITES = ("domain,outlet,language\n"
         "diario.com.mx,Diario MX,\n"
         "gaceta.es,Gaceta ES,\n"
         "cronica.com.ar,Crónica AR,\n"
         "ledger.com,Ledger,en\n"
         "portal.com,Portal,es\n")


@pytest.mark.parametrize(("market", "local"), [
    ("es-MX", {"diario.com.mx"}),
    ("es-ES", {"gaceta.es"}),
    ("es-AR", {"cronica.com.ar"}),
    ("en-GB", set()),
])
def test_locality_depends_on_the_market(env: Env, tmp_path: Path, market: str, local: set[str]) -> None:
    env.import_file(write_csv_text(tmp_path, "sites.csv", SITES), market=market)
    with env.session() as session:
        rows = {p.domain: p.locality for p in session_rows(session, Prospect)}
    assert {domain for domain, place in rows.items() if place == "local"} == local
    assert rows["ledger.com"] == ("unknown" if market == "en-GB" else "global")
    assert rows["portal.com"] == ("global" if market == "en-GB" else "unknown")


def test_the_dnc_list_reaches_every_campaign(env: Env, tmp_path: Path, write_campaign: Any) -> None:
    other = load_campaign(write_campaign(base_campaign()))
    other_id = env.store.campaign_id(other)
    path = write_csv_text(tmp_path, "sites.csv", SITES)
    env.import_file(path)
    with env.session() as session:
        import_file(session, other, other_id, path, ImportOptions("es-MX"), "t")
    with env.session() as session:
        _, marked = dnc.add_entry(session, "gaceta.es", reason="", actor="t")
    assert marked == 2
    with env.session() as session:
        flagged = session.exec(select(Prospect.campaign_id).where(Prospect.do_not_contact)).all()
    assert sorted(flagged) == sorted([env.campaign_id, other_id])


def test_refreshing_clusters_twice_changes_nothing(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "d.csv", "domain,outlet,contact_name,email\n"
                                   "diario.mx,Diario,Ana Soto,ana@diario.mx\n"
                                   "www.diario.mx,Diario S.A.,\"Soto, Ana\",anasoto@gmail.com\n"
                                   + "".join(f"s{i}x.mx,S {i},P {i},p@s{i}x.mx\n" for i in range(15))))
    with env.session() as session:
        first = refresh_clusters(session, env.campaign_id, "es-MX")
        before = {p.id: p.dedupe_cluster for p in session_rows(session, Prospect)}
        second = refresh_clusters(session, env.campaign_id, "es-MX")
        after = {p.id: p.dedupe_cluster for p in session_rows(session, Prospect)}
    assert first == second == 1 and before == after


def test_a_market_with_one_prospect_has_no_clusters(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "one.csv", "domain\ndiario.mx\n"))
    with env.session() as session:
        view = find_duplicates(session, env.campaign_id, "es-MX")
        assert (view.clusters, view.prospects, view.collisions) == ([], 1, [])
        assert refresh_clusters(session, env.campaign_id, "es-AR") == 0
