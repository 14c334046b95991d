"""A prospect's history as the app will show it: imports, stage moves, DNC marks, merges, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core import dnc
from outreach.core.prospect_list import (
    ProspectQuery,
    as_row,
    change_stage,
    get_prospect,
    history,
    list_prospects,
)
from outreach.core.prospect_merge import merge_prospects
from outreach.errors import NotFoundError
from tests.core.conftest import Env, write_csv_text

LIST = ("domain,outlet,contact_name,email\n"
        "diario.mx,Diario,Ana Soto,ana@diario.mx\n"
        "diario.mx,Diario,Ana Soto,ana.soto@gmail.com\n")


def ids(env: Env) -> dict[str, int]:
    """Prospect ids by email."""
    with env.session() as session:
        page = list_prospects(session, env.campaign_id, ProspectQuery("es-MX"))
        return {p.email or "": p.id or 0 for p in page.prospects}


def test_history_reads_in_order_across_every_kind_of_event(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "l.csv", LIST), dedupe=False)
    found = ids(env)
    work, private = found["ana@diario.mx"], found["ana.soto@gmail.com"]
    with env.session() as session:
        change_stage(session, work, "qualified", actor="ana")
    with env.session() as session:
        dnc.add_entry(session, "ana.soto@gmail.com", reason="asked", actor="luis")
    with env.session() as session:
        merge_prospects(session, env.campaign_id, env.campaign.market("es-MX"), [work, private], "eva")
    with env.session() as session:
        survivor = next(iter(ids(env).values()))
        kinds = [(event.kind, event.actor) for event in history(session, survivor)]
    assert kinds == [("imported", "tester"), ("imported", "tester"), ("stage", "ana"), ("dnc", "luis"),
                     ("merged", "eva")]


def test_rows_for_the_listing_have_every_column(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "l.csv", LIST), dedupe=False)
    with env.session() as session:
        row = as_row(get_prospect(session, ids(env)["ana@diario.mx"]))
    assert list(row) == [
        "id", "market", "domain", "host", "outlet", "contact", "first_name", "email", "country",
        "country_source", "language", "language_source", "locality", "source_type", "metrics", "stage",
        "do_not_contact", "dedupe_cluster", "timezone", "origin"]
    assert (row["origin"], row["first_name"], row["do_not_contact"]) == ("l.csv", "Ana", False)


def test_unknown_prospects_are_named(env: Env) -> None:
    with env.session() as session, pytest.raises(NotFoundError, match="no prospect 77"):
        get_prospect(session, 77)


def test_a_stage_change_to_the_same_stage_records_nothing(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "l.csv", LIST), dedupe=False)
    pid = ids(env)["ana@diario.mx"]
    with env.session() as session:
        change_stage(session, pid, "new", actor="ana")
        assert [event.kind for event in history(session, pid)] == ["imported"]
