"""The filter's stored search text: folded like the query, and kept in step by every write."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlmodel
from sqlalchemy import select
from sqlmodel import Session

from outreach.core import dnc
from outreach.core.forget import forget
from outreach.core.models import Prospect
from outreach.core.prospect_list import ProspectQuery, list_prospects
from outreach.core.prospect_merge import merge_prospects
from outreach.core.prospect_pages import Listing, page
from outreach.core.prospect_writes import PROSPECTS, core
from outreach.core.search_text import SEPARATOR, folded_query, search_text, search_text_of
from tests.core.conftest import FIXTURES, Env, write_csv_text

HEADER = "domain,outlet,contact_name,email\n"


@pytest.mark.parametrize(("fields", "expected"), [
    pytest.param(("diario.mx", "Diario del Bajío", "Lucía Ramírez", "lucia@diario.mx"),
                 "diario.mx\x1fdiario del bajío\x1flucía ramírez\x1flucia@diario.mx", id="plain"),
    pytest.param(("d.mx", "ÉPOCA", "ÑANDÚ", None), "d.mx\x1fépoca\x1fñandú\x1f", id="accented capitals"),
    pytest.param(("d.de", "Straße", None, None), "d.de\x1fstrasse\x1f\x1f", id="casefold, not lower"),
])
def test_search_text_folds_each_field(fields: tuple[str | None, ...], expected: str) -> None:
    assert search_text(*fields) == expected
    assert search_text_of(dict(zip(("domain", "outlet", "contact_name", "email"), fields, strict=True))) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("  PÉREZ ", "pérez"), ("STRASSE", "strasse"), ("Straße", "strasse"), (f"a{SEPARATOR}b", "ab"), ("", "")])
def test_the_query_is_folded_like_the_text(typed: str, expected: str) -> None:
    assert folded_query(typed) == expected


def found(env: Env, text: str) -> list[str]:
    """Domains the filter finds in es-MX (every page)."""
    with env.session() as session:
        return [row.domain for row in page(session, Listing(env.campaign_id, "es-MX", text, limit=1000)).rows]


def assert_in_step(env: Env) -> None:
    """Every stored search text is what its row's fields fold to."""
    with env.session() as session:
        rows = core(session).execute(select(PROSPECTS)).mappings().all()
    assert rows and all(row["search_text"] == search_text_of(row) for row in rows)


@pytest.fixture
def imported(env: Env, tmp_path: Path) -> Env:
    """Four prospects, one with no outlet yet."""
    env.import_file(write_csv_text(tmp_path, "first.csv", HEADER +
                                   "diario.mx,Diario,Ana Soto,ana@diario.mx\n"
                                   "diario.mx,,Ana Soto,ana.soto@gmail.com\n"
                                   "revista.mx,,Luis Peña,luis@revista.mx\n"
                                   "otro.mx,Otro Medio,Ñoño Pérez,\n"), dedupe=False)
    return env


def test_an_import_stores_the_text_and_the_filter_folds_accented_capitals(imported: Env) -> None:
    assert_in_step(imported)
    assert found(imported, "PÉREZ") == found(imported, "pérez") == found(imported, "ÑOÑO") == ["otro.mx"]
    assert found(imported, "perez") == []  # folding keeps accents: é is not e


def test_a_reimport_that_fills_a_blank_is_found(imported: Env, tmp_path: Path) -> None:
    imported.import_file(write_csv_text(tmp_path, "again.csv", HEADER + "revista.mx,Revista Équis,Luis Peña,"
                                        "luis@revista.mx\n"), dedupe=False)
    assert_in_step(imported)
    assert found(imported, "équis") == found(imported, "ÉQUIS") == ["revista.mx"]


def test_a_later_row_of_the_same_file_that_fills_a_blank_is_found(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "dupes.csv", HEADER + "revista.mx,,Luis Peña,luis@revista.mx\n"
                                   "revista.mx,Revista Ye,Luis Peña,luis@revista.mx\n"), dedupe=False)
    assert_in_step(env)
    assert found(env, "REVISTA YE") == ["revista.mx"]


def test_a_merge_is_found_by_what_it_filled_in_and_not_by_what_it_dropped(imported: Env) -> None:
    with imported.session() as session:
        ids = [int(pid) for pid in core(session).execute(
            select(PROSPECTS.c.id).where(PROSPECTS.c.domain == "diario.mx")).scalars()]
        merge_prospects(session, imported.campaign_id, imported.campaign.market("es-MX"), ids, "t")
    assert_in_step(imported)
    assert found(imported, "diario") == ["diario.mx"]
    assert found(imported, "ana.soto@gmail") == []  # the absorbed record is gone; its address with it


def test_forget_erases_the_text_with_the_person(imported: Env) -> None:
    with imported.session() as session:
        forget(session, "luis@revista.mx", actor="dpo")
    assert found(imported, "luis") == found(imported, "revista") == []
    assert_in_step(imported)


def test_do_not_contact_leaves_the_text_alone(imported: Env) -> None:
    with imported.session() as session:
        dnc.add_entry(session, "ana@diario.mx", reason="asked", actor="t")
    assert_in_step(imported)
    assert found(imported, "ana@diario") == ["diario.mx"]


def test_orm_writes_keep_the_text_in_step(imported: Env) -> None:
    with imported.session() as session:
        session.add(Prospect(campaign_id=imported.campaign_id, market="es-MX", identity="nuevo.mx|",
                             domain="nuevo.mx", outlet="Nuevo Día"))
        otro = session_prospect(session, "otro.mx")
        otro.outlet = "Medio Renombrado"
        session.add(otro)
    assert_in_step(imported)
    assert found(imported, "NUEVO DÍA") == ["nuevo.mx"]
    assert found(imported, "renombrado") == ["otro.mx"]
    assert found(imported, "otro medio") == []


def session_prospect(session: Session, domain: str) -> Prospect:
    """The one prospect at this domain."""
    return session.exec(sqlmodel.select(Prospect).where(Prospect.domain == domain)).one()


@pytest.mark.parametrize("typed", ["d", "DIARIO", "í", "RAMÍREZ", ".mx", "@", "%", "_", "zzq", " ana ", "ñ"])
def test_the_filter_finds_exactly_the_rows_whose_fields_hold_the_folded_text(env: Env, typed: str) -> None:
    for name in ("ahrefs_refdomains.csv", "outreach_prospects.csv", "buzzstream_contacts.csv"):
        env.import_file(FIXTURES / name, dedupe=False)
    with env.session() as session:
        rows = core(session).execute(select(PROSPECTS).where(PROSPECTS.c.market == "es-MX")
                                     .order_by(PROSPECTS.c.domain, PROSPECTS.c.id)).mappings().all()
        expected = [row["id"] for row in rows if folded_query(typed) in search_text_of(row)]
        shown, cursor = [], None
        while True:  # three rows a page, so the keyset walk is part of what is compared
            listed = page(session, Listing(env.campaign_id, "es-MX", typed, limit=3), cursor)
            shown += [row.id for row in listed.rows]
            if listed.next is None:
                break
            cursor = listed.next
    assert shown == expected


def test_the_cli_listing_matches_as_the_app_does(imported: Env) -> None:
    with imported.session() as session:
        for typed in ("PÉREZ", "%", "diario", "ana@"):
            listed = list_prospects(session, imported.campaign_id, ProspectQuery("es-MX", text=typed))
            assert sorted(p.domain for p in listed.prospects) == sorted(found(imported, typed)), typed
