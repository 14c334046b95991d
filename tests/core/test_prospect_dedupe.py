"""A market's duplicates in the store: clusters on import and on demand, merges that keep history."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import audit
from outreach.core.models import Prospect, ProspectAlias
from outreach.core.prospect_dedupe import cross_market_collisions, find_duplicates
from outreach.core.prospect_list import change_stage, history
from outreach.core.prospect_merge import cluster_members, merge_prospects
from outreach.errors import NotFoundError, ProspectError
from tests.core.conftest import Env, session_rows, write_csv_text

HEADER = "domain,outlet,contact_name,email,source_type,dr\n"
NEAR_DUPLICATES = HEADER + "".join([
    "diariodelbajio.com.mx,Diario del Bajío,Lucía Ramírez,lucia.ramirez@diariodelbajio.com.mx,press,48\n",
    "www.diariodelbajio.com.mx,Diario del Bajio S.A. de C.V.,\"Ramírez, Lucía\",lramirez77@gmail.com,,\n",
    "diariodelbajio.com.mx,Diario del Bajío,Tomás Herrera,tomas.herrera@diariodelbajio.com.mx,press,48\n",
    *(f"{name}.com.mx,{name.title()} Noticias,Persona {i},p{i}@{name}.com.mx,blogger,{20 + i}\n"
      for i, name in enumerate(["norte", "sureste", "occidente", "bajacal", "laguna", "huasteca",
                                "istmo", "mixteca", "sierra", "costa", "valle", "altos"])),
])


@pytest.fixture
def imported(env: Env, tmp_path: Path) -> Env:
    """A market with one near-duplicate pair, a colleague at the same outlet and unrelated sites."""
    env.import_file(write_csv_text(tmp_path, "mx.csv", NEAR_DUPLICATES))
    return env


def by_email(env: Env) -> dict[str, Prospect]:
    """Prospects by email."""
    with env.session() as session:
        return {p.email or p.domain: p for p in session_rows(session, Prospect)}


def test_import_clusters_near_duplicates_but_not_colleagues(imported: Env) -> None:
    rows = by_email(imported)
    lucia, private, tomas = (rows[e] for e in ("lucia.ramirez@diariodelbajio.com.mx", "lramirez77@gmail.com",
                                                "tomas.herrera@diariodelbajio.com.mx"))
    assert lucia.dedupe_cluster == private.dedupe_cluster == min(lucia.id or 0, private.id or 0)
    assert tomas.dedupe_cluster is None


def test_on_demand_dedupe_describes_clusters(imported: Env) -> None:
    with imported.session() as session:
        view = find_duplicates(session, imported.campaign_id, "es-MX")
    assert view.prospects == 15 and view.threshold_learnt
    [found] = view.clusters
    assert sorted(row["email"] for row in found.members) == ["lramirez77@gmail.com",
                                                             "lucia.ramirez@diariodelbajio.com.mx"]
    assert {"domain", "contact"} <= set(found.matched_fields) and 0.4 <= found.score <= 1.0


def test_a_given_threshold_overrides_the_learnt_one(imported: Env) -> None:
    with imported.session() as session:
        view = find_duplicates(session, imported.campaign_id, "es-MX", threshold=0.999999)
    assert (view.threshold, view.threshold_learnt, view.clusters) == (0.999999, False, [])


def test_merging_keeps_the_richest_fields_and_both_histories(imported: Env, tmp_path: Path) -> None:
    rows = by_email(imported)
    lucia, private = rows["lucia.ramirez@diariodelbajio.com.mx"], rows["lramirez77@gmail.com"]
    with imported.session() as session:
        change_stage(session, private.id or 0, "qualified", actor="ana")
        members = cluster_members(session, imported.campaign_id, "es-MX", lucia.dedupe_cluster or 0)
        survivor = merge_prospects(session, imported.campaign_id, imported.campaign.market("es-MX"), members,
                                   "ana")
    assert survivor == lucia.id
    with imported.session() as session:
        merged = session.get(Prospect, survivor)
        assert merged is not None and session.get(Prospect, private.id) is None
        assert (merged.stage, merged.source_type, merged.dedupe_cluster) == ("qualified", "press", None)
        kinds = [event.kind for event in history(session, survivor)]
        assert kinds == ["imported", "imported", "stage", "merged"], "the absorbed record's history moved"
        merged_event = history(session, survivor)[-1]
        assert merged_event.detail["absorbed"][0]["email"] == "lramirez77@gmail.com"
        assert [alias.prospect_id for alias in session_rows(session, ProspectAlias)] == [survivor]
        assert audit.entries(session, object_type="prospect")[0].action == "prospect.merge"
    again = imported.import_file(write_csv_text(tmp_path, "mx.csv", NEAR_DUPLICATES))
    assert (again.new, again.updated) == (0, 0), "re-importing the absorbed row finds the survivor"


def test_merging_needs_two_prospects_of_the_market(imported: Env) -> None:
    one = next(iter(by_email(imported).values())).id or 0
    with imported.session() as session:
        with pytest.raises(ProspectError, match="at least two"):
            merge_prospects(session, imported.campaign_id, imported.campaign.market("es-MX"), [one], "a")
        with pytest.raises(NotFoundError, match="no prospect 999"):
            merge_prospects(session, imported.campaign_id, imported.campaign.market("es-MX"), [one, 999], "a")
        with pytest.raises(NotFoundError, match="no dedupe cluster 4242"):
            cluster_members(session, imported.campaign_id, "es-MX", 4242)


def test_cross_market_collisions_are_shown(imported: Env, tmp_path: Path) -> None:
    spain = write_csv_text(tmp_path, "es.csv", HEADER + "diariodelbajio.com.mx,Diario,,,press,48\n")
    imported.import_file(spain, market="es-ES")
    with imported.session() as session:
        [collision] = cross_market_collisions(session, imported.campaign_id, "es-MX")
        assert (collision.domain, collision.markets) == ("diariodelbajio.com.mx", {"es-ES": 1, "es-MX": 3})
        assert session.exec(select(Prospect).where(Prospect.market == "es-ES")).one().dedupe_cluster is None
