"""A large run planned in a forked child writes exactly what planning in process writes."""

from __future__ import annotations

import itertools
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from outreach.core import compose, dnc, forked, schedule
from outreach.core.schedule import ScheduleReport, schedule_markets
from tests.processes import child_pids
from tests.sending.world import NOW, World, mailbox, sending_campaign

NAMES = ["Ana Pérez", "Zoë O'Brien", "José \"Pepe\" Núñez", "Søren Ødegaard", "Wei 李", "Tom"]


def _scheduled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork_from: int,
               followups: list[int] | None = None) -> tuple[Any, ...]:
    """The report and every row a varied two-market run writes, with Message-ID tokens made predictable."""
    tokens = itertools.count(1)
    monkeypatch.setattr(compose, "_random_token", lambda: f"{next(tokens):024x}")
    monkeypatch.setattr(schedule, "FORK_FROM", fork_from)
    monkeypatch.setattr(schedule, "FORKED_PART", 3)
    world = World.make(tmp_path / "ws", f"sqlite:///{tmp_path / 'outreach.db'}",
                       sending_campaign(velocity_lifted=True, followups=followups or []))
    if followups:  # es-MX's follow-ups approved, es-ES's not: its requests are skipped, one by one
        world.approve_templates("es-MX", "followup-1", "followup-2")
    for number in range(20):
        world.request("es-MX" if number % 3 else "es-ES", email=f"e{number}@m{number % 4}.mx",
                      contact=NAMES[number % len(NAMES)], subject=f"Datos {number} ñ" * (1 + number % 4),
                      timezone="America/Tijuana" if number % 5 == 0 else None)
    with world.store.transaction() as session:
        dnc.add_entry(session, "e7@m3.mx", reason="asked", actor="maria")
        report = schedule_markets(session, world.campaign, world.campaign_id, None, actor="maria",
                                  mailboxes=[mailbox(daily_cap=4)], now=NOW, rng=random.Random(5))
    with world.store.transaction() as session:
        rows = [session.connection().exec_driver_sql(query).all() for query in (
            "SELECT * FROM outbox ORDER BY id", "SELECT id, state, updated_at FROM link_request WHERE state != 'approved' ORDER BY id",
            "SELECT * FROM audit_log WHERE action = 'request.state' ORDER BY id")]
    return report, rows


@pytest.mark.parametrize("followups", [None, [3, 5]], ids=["pitches", "follow-ups"])
def test_a_forked_run_writes_what_an_in_process_run_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           followups: list[int] | None) -> None:
    forks: list[int] = []
    real = forked.forked_map
    monkeypatch.setattr(forked, "forked_map", lambda *args: forks.append(1) or real(*args))
    assert forked.can_fork()
    in_process = _scheduled(tmp_path / "in-process", monkeypatch, 10**9, followups)
    assert not forks
    in_child = _scheduled(tmp_path / "forked", monkeypatch, 0, followups)
    assert forks == [1]
    assert in_child == in_process
    report: ScheduleReport = in_child[0]
    assert any("do-not-contact" in line for line in report.skipped)
    if followups:
        assert (report.requests, report.messages, report.followups, len(report.skipped)) == (12, 12, 24, 8)
        assert sum("es-ES followup-1 is not approved" in line for line in report.skipped) == 7
    else:
        assert report.requests == 19 and len(report.skipped) == 1


def test_an_error_in_the_child_is_raised_and_nothing_is_written(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = schedule.book

    def failing(run: Any, request: Any) -> Any:
        if request.id == 11:
            raise ValueError("broken planner")
        return real(run, request)

    monkeypatch.setattr(schedule, "book", failing)
    with pytest.raises(ValueError, match="broken planner"):
        _scheduled(tmp_path, monkeypatch, fork_from=0)
    with sqlite3.connect(tmp_path / "outreach.db") as database:  # the failed run's transaction rolled back
        assert database.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        assert database.execute("SELECT count(*) FROM link_request WHERE state = 'approved'").fetchone() == (20,)
        indexes = {name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                        "AND tbl_name IN ('outbox', 'audit_log')")}
    # the run set its secondary indexes aside while it wrote: they are back as they were
    assert {"ix_outbox_state_send_at", "ix_outbox_prospect_id", "ix_outbox_followups_due"} <= indexes


class _Unpicklable(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


def _work(item: int) -> int:
    if item == 7:
        raise _Unpicklable("seven", "refused")
    return item * item


def test_forked_map_streams_in_order_and_reports_errors() -> None:
    assert [part for part in forked.forked_map(_work, range(7), 3)] == [[0, 1, 4], [9, 16, 25], [36]]
    parts = forked.forked_map(_work, range(10), 3)
    assert next(parts) == [0, 1, 4] and next(parts) == [9, 16, 25]
    with pytest.raises(RuntimeError, match="_Unpicklable: seven refused"):
        next(parts)


def test_a_consumer_that_stops_early_leaves_no_child_behind() -> None:
    before = child_pids()
    parts = forked.forked_map(_work, range(100_000), 1)
    assert next(parts) == [0]
    assert child_pids() - before  # the forked worker is running
    parts.close()
    assert child_pids() - before == set()


def test_a_child_never_hands_out_its_parents_pooled_tokens() -> None:
    compose._random_token()  # the pool is full now, and the child starts with a copy of it
    in_child = next(forked.forked_map(lambda _: compose._random_token(), range(50), 50))
    in_parent = [compose._random_token() for _ in range(50)]
    assert not set(in_child) & set(in_parent)
