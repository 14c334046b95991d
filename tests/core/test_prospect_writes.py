"""Bulk writes: merging a record into a known one, driver-level inserts, the SQLite page cache."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from outreach.core import bulk
from outreach.core.bulk import big_write, bulk_insert
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Prospect, ProspectEvent
from outreach.core.prospect_writes import EVENTS, PROSPECTS, ProspectWriter, core, merge_values
from tests.core.conftest import Env, session_rows

BASE: dict[str, Any] = {
    "host": None, "url": None, "outlet": "Diario", "contact_name": None, "first_name": None, "email": None,
    "source_type": None, "timezone": None, "country": None, "country_source": "unknown", "language": "es",
    "language_source": "detected", "locality": "unknown", "metrics": {"dr": 30.0}, "do_not_contact": False,
}


@pytest.fixture(scope="module")
def market() -> Any:
    """The es-MX market of the demo campaign."""
    return load_campaign(Path(__file__).resolve().parents[2]).market("es-MX")


@pytest.mark.parametrize(("incoming", "changes"), [
    pytest.param({}, {}, id="nothing-new"),
    pytest.param({"outlet": "Otro"}, {}, id="known-text-wins"),
    pytest.param({"contact_name": "Ana"}, {"contact_name": "Ana"}, id="blank-filled"),
    pytest.param({"metrics": {"dr": 35.0}}, {"metrics": {"dr": 35.0}}, id="fresher-metric"),
    pytest.param({"metrics": {"traffic": 9.0}}, {"metrics": {"dr": 30.0, "traffic": 9.0}}, id="metric-added"),
    pytest.param({"metrics": {}}, {}, id="no-metrics-keeps-old"),
    pytest.param({"country": "MX", "country_source": "cctld"},
                 {"country": "MX", "country_source": "cctld", "locality": "local"}, id="stronger-country"),
    pytest.param({"language": "en", "language_source": "explicit"},
                 {"language": "en", "language_source": "explicit", "locality": "global"},
                 id="stronger-language"),
    pytest.param({"language": "en", "language_source": "detected"}, {}, id="equal-strength-keeps-old"),
    pytest.param({"do_not_contact": True}, {"do_not_contact": True}, id="dnc-set"),
    pytest.param({"source_type": "global-publication"},
                 {"source_type": "global-publication", "locality": "global"}, id="locality-follows"),
])
def test_merge_values(market: Any, incoming: dict[str, Any], changes: dict[str, Any]) -> None:
    assert merge_values(BASE, {**BASE, **{k: None for k in ("outlet",)}, "metrics": {}, **incoming},
                        market) == changes


def test_a_dnc_flag_is_never_cleared_by_an_import(market: Any) -> None:
    assert merge_values({**BASE, "do_not_contact": True}, {**BASE, "do_not_contact": False}, market) == {}


def test_bulk_insert_converts_values_by_column_type(env: Env) -> None:
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    with env.session() as session:
        connection = core(session)
        bulk_insert(connection, PROSPECTS, ("identity", "domain", "metrics", "do_not_contact"),
                    [("a.mx|", "a.mx", {"dr": 1.5}, False), ("b.mx|", "b.mx", {}, True)],
                    {"campaign_id": env.campaign_id, "market": "es-MX", "country_source": "unknown",
                     "language_source": "unknown", "locality": "unknown", "stage": "new",
                     "created_at": when, "updated_at": when})
    with env.session() as session:
        rows = {p.domain: p for p in session_rows(session, Prospect)}
    assert rows["a.mx"].metrics == {"dr": 1.5} and rows["b.mx"].do_not_contact is True
    assert rows["a.mx"].created_at == when


def test_events_written_in_bulk_read_back_as_json(env: Env) -> None:
    with env.session() as session:
        writer = ProspectWriter(session, env.campaign_id, env.campaign.market("es-MX"), "ana")
        record = {"identity": "a.mx|", "domain": "a.mx", "country_source": "unknown",
                  "language_source": "unknown",
                  "locality": "unknown", "metrics": {}, "do_not_contact": False, "_row": 7}
        result = writer.write([record], {"file": "x.csv", "format": "outreach"})
    with env.session() as session:
        [event] = session_rows(session, ProspectEvent)
    assert (event.prospect_id, event.kind, event.actor) == (result.new_ids[0], "imported", "ana")
    assert event.detail == {"file": "x.csv", "format": "outreach", "row": 7}
    assert event.at.tzinfo is not None


def test_known_ids_include_merged_identities(env: Env) -> None:
    with env.session() as session:
        writer = ProspectWriter(session, env.campaign_id, env.campaign.market("es-MX"), "ana")
        base = {"country_source": "unknown", "language_source": "unknown", "locality": "unknown",
                "metrics": {},
                "do_not_contact": False}
        [pid] = writer.write([{"identity": "a.mx|", "domain": "a.mx", **base}], {}).new_ids
        session.execute(text("INSERT INTO prospect_alias (prospect_id, campaign_id, market, identity, "
                             "created_at) VALUES (:p, :c, 'es-MX', 'a.mx|e:x@a.mx', '2026-01-01 00:00:00')"),
                        {"p": pid, "c": env.campaign_id})
        assert writer.known_ids() == {"a.mx|": pid, "a.mx|e:x@a.mx": pid}


def test_big_writes_restore_the_sqlite_page_cache(sqlite_url: str, demo_dir: Path) -> None:
    from outreach.core.store import Store

    store = Store.open(sqlite_url, actor="t")
    with store.engine.connect() as connection:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        with big_write(connection):
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -bulk._SQLITE_IMPORT_CACHE_KIB
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before


def test_event_table_is_the_one_the_model_maps() -> None:
    assert EVENTS.name == "prospect_event" and PROSPECTS.name == "prospect"


def test_reimports_larger_than_one_lookup_chunk_update_every_row(env: Env, tmp_path: Path) -> None:
    header = "domain,outlet,dr\n"
    first = tmp_path / "a.csv"
    first.write_text(header + "".join(f"s{i}.mx,,{i % 50}\n" for i in range(1200)), encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(header + "".join(f"s{i}.mx,Sitio {i},{i % 50}\n" for i in range(1200)),
                      encoding="utf-8")
    assert env.import_file(first, dedupe=False).new == 1200
    report = env.import_file(second, dedupe=False)
    assert (report.new, report.updated, report.unchanged) == (0, 1200, 0)
    with env.session() as session:
        outlets = {p.domain: p.outlet for p in session_rows(session, Prospect)}
    assert outlets["s0.mx"] == "Sitio 0" and outlets["s1199.mx"] == "Sitio 1199"
