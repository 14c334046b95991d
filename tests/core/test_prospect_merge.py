"""Merges: which record survives, what it keeps from the others, and what a merge refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach.core import dnc
from outreach.core.models import Prospect
from outreach.core.prospect_list import change_stage, history
from outreach.core.prospect_merge import SNAPSHOT, merge_prospects, richness
from outreach.errors import NotFoundError
from tests.core.conftest import Env, session_rows, write_csv_text

HEADER = "domain,outlet,contact_name,email,source_type,dr,traffic\n"


@pytest.mark.parametrize(("row", "score"), [
    ({}, (0, 0)),
    ({"outlet": "D", "email": "a@d.mx", "metrics": {"dr": 1}}, (2, 1)),
    ({"outlet": None, "metrics": None}, (0, 0)),
])
def test_richness_counts_filled_fields_then_metrics(row: dict[str, Any], score: tuple[int, int]) -> None:
    assert richness(row) == score


def three(env: Env, tmp_path: Path) -> dict[str, Prospect]:
    """Three records of one person at one outlet, with different gaps, by email."""
    env.import_file(write_csv_text(tmp_path, "three.csv", HEADER +
                                   "diario.mx,Diario,Ana Soto,ana@diario.mx,,40,\n"
                                   "diario.mx,,Ana Soto,ana.soto@gmail.com,press,,\n"
                                   "diario.mx,Diario,Ana Soto,asoto@diario.mx,press,45,9000\n"), dedupe=False)
    with env.session() as session:
        return {p.email or "": p for p in session_rows(session, Prospect)}


def test_the_richest_survives_and_fills_its_blanks(env: Env, tmp_path: Path) -> None:
    rows = three(env, tmp_path)
    ids = [p.id or 0 for p in rows.values()]
    with env.session() as session:
        change_stage(session, rows["ana.soto@gmail.com"].id or 0, "replied", actor="t")
        change_stage(session, rows["ana@diario.mx"].id or 0, "qualified", actor="t")
        survivor = merge_prospects(session, env.campaign_id, env.campaign.market("es-MX"), ids, "t")
    assert survivor == rows["asoto@diario.mx"].id
    with env.session() as session:
        [merged] = session_rows(session, Prospect)
        assert (merged.stage, merged.source_type, merged.metrics) == ("replied", "press",
                                                                     {"dr": 45.0, "traffic": 9000.0})
        absorbed = history(session, survivor)[-1].detail["absorbed"]
        assert sorted(item["email"] for item in absorbed) == ["ana.soto@gmail.com", "ana@diario.mx"]
        assert set(absorbed[0]) == set(SNAPSHOT)


def test_a_do_not_contact_flag_survives_a_merge(env: Env, tmp_path: Path) -> None:
    rows = three(env, tmp_path)
    with env.session() as session:
        dnc.add_entry(session, "ana.soto@gmail.com", reason="", actor="t")
    with env.session() as session:
        survivor = merge_prospects(session, env.campaign_id, env.campaign.market("es-MX"),
                                   [p.id or 0 for p in rows.values()], "t")
        prospect = session.get(Prospect, survivor)
        assert prospect is not None and prospect.do_not_contact


def test_a_merge_stays_inside_one_market(env: Env, tmp_path: Path) -> None:
    rows = three(env, tmp_path)
    env.import_file(write_csv_text(tmp_path, "es.csv", HEADER + "diario.es,Diario,,,,,\n"), market="es-ES")
    with env.session() as session:
        spanish = next(p for p in session_rows(session, Prospect) if p.market == "es-ES")
        with pytest.raises(NotFoundError, match=f"no prospect {spanish.id} in market es-MX"):
            merge_prospects(session, env.campaign_id, env.campaign.market("es-MX"),
                            [rows["ana@diario.mx"].id or 0, spanish.id or 0], "t")
