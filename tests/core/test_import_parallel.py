"""A big file normalised on two cores imports exactly as one process imports it: rows, events, rejects, report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from outreach.core import dnc, prospects
from outreach.core.campaign_file import load_campaign
from outreach.core.progress import EVERY
from outreach.core.prospects import ImportReport, count_prospects
from outreach.core.store import Store
from outreach.errors import BadRowsError, Cancelled
from tests.core.conftest import Env
from tests.processes import child_pids

HEADER = "domain,outlet,contact_name,email,country,language,source_type,dr,traffic\n"


def mixed_list(folder: Path, rows: int = 2400) -> Path:
    """Sites, contacts, duplicates far apart, bad rows and blocked addresses in both halves of the file."""
    lines = [HEADER]
    for n in range(rows):
        site = f"sitio{n % 700}.com.mx" if n % 3 else f"https://www.portal{n % 900}.es/mx/"
        email = f"ana{n % 50}@{site.split('/')[-2] if '//' in site else site}" if n % 4 == 0 else ""
        outlet = "" if n % 5 == 0 else f"Sitio {n % 700}"
        bad_email = "nope" if n % 397 == 0 else email
        lines.append(f"{site},{outlet},{'Ana Pérez' if email else ''},{bad_email},{'MX' if n % 7 == 0 else ''},"
                     f"{'es' if n % 11 == 0 else ''},{'press' if n % 2 else ''},{n % 100},{n * 10 if n % 6 else ''}\n")
    path = folder / "mixed.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def import_into(url: str, demo_dir: Path, path: Path, rejects: Path, **options: Any) -> tuple[ImportReport, Any]:
    """Import `path` into a fresh store (a blocked domain and address in it); the report and every row."""
    store = Store.open(url, actor="tester")
    campaign = load_campaign(demo_dir)
    env = Env(store, campaign, store.campaign_id(campaign))
    with env.session() as session:
        dnc.add_entry(session, "sitio5.com.mx", reason="asked", actor="tester")
        dnc.add_entry(session, "ana8@sitio8.com.mx", reason="asked", actor="tester")
    report = env.import_file(path, rejects=rejects, **options)
    with env.session() as session:
        connection = session.connection()
        tables = [connection.execute(text(query)).all() for query in (
            "SELECT * FROM prospect ORDER BY id", "SELECT id, prospect_id, kind, detail FROM prospect_event",
            "SELECT sql FROM sqlite_master ORDER BY name")]
    store.engine.dispose()
    stamps = {"created_at", "updated_at"}
    return report, [[tuple(value for key, value in row._mapping.items() if key not in stamps) for row in rows]
                    for rows in tables]


def test_two_processes_import_what_one_does(tmp_path: Path, demo_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = mixed_list(tmp_path)
    one = import_into(f"sqlite:///{tmp_path / 'one.db'}", demo_dir, path, tmp_path / "one.rejects.csv")
    monkeypatch.setattr(prospects, "PARALLEL_ROWS", 100)
    two = import_into(f"sqlite:///{tmp_path / 'two.db'}", demo_dir, path, tmp_path / "two.rejects.csv")
    (report_one, rows_one), (report_two, rows_two) = one, two
    assert rows_two == rows_one
    assert report_one.merged_rows > 0 and report_one.do_not_contact > 0
    assert [bad.row for bad in report_one.bad_rows][-1] > 1200  # bad rows in the second half too
    report_two.rejects_path = report_one.rejects_path
    assert report_two == report_one
    assert (tmp_path / "two.rejects.csv").read_bytes() == (tmp_path / "one.rejects.csv").read_bytes()


def test_a_bad_row_in_the_second_half_aborts_a_strict_import(env: Env, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = child_pids()
    lines = [f"sitio{n}.com.mx,,,{'nope' if n == 1900 else ''},,,,,\n" for n in range(2000)]
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    monkeypatch.setattr(prospects, "PARALLEL_ROWS", 100)
    with pytest.raises(BadRowsError, match=r"list\.csv: row 1902: email: 'nope'"):
        env.import_file(path, strict=True)
    with env.session() as session:
        assert count_prospects(session, env.campaign_id) == 0
    assert child_pids() == before


def test_cancelling_a_split_import_stops_the_other_process_and_writes_nothing(
        env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = child_pids()
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(f"sitio{n}.com.mx,,,,,,,,\n" for n in range(6000)), encoding="utf-8")
    monkeypatch.setattr(prospects, "PARALLEL_ROWS", 100)
    with pytest.raises(Cancelled, match=r"stopped while reading \(2,000 of 6,000\)"), env.session() as session:
        prospects.import_file(session, env.campaign, env.campaign_id, path, prospects.ImportOptions("es-MX"),
                              "tester", progress=lambda phase, done, total: done < 2 * EVERY)
    assert child_pids() == before
    with env.session() as session:
        assert count_prospects(session, env.campaign_id) == 0
