"""Scheduling's SQLite writes with values made in their stored form store exactly what the typed path stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects import sqlite
from sqlmodel import select

from outreach.core import schedule_writes
from outreach.core.models import AuditEntry
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule_writes import write_run
from tests.sending.world import NOW, World, sending_campaign

WHEN = [datetime(2026, 11, 20, 14, tzinfo=UTC), datetime(2026, 11, 20, 14, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 11, 20, 8, 30, tzinfo=ZoneInfo("America/Mexico_City")),
        datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=ZoneInfo("Europe/Madrid")),
        datetime(2027, 1, 1, 0, 0, 1, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(999, 12, 31, 23, 59, tzinfo=UTC)]


def _written(tmp_path: Path, native: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """Raw outbox and audit rows, and their ORM objects, after writing the same varied run."""
    monkeypatch.setattr(schedule_writes, "_stores_natively", lambda connection: native)
    world = World.make(tmp_path / "ws", f"sqlite:///{tmp_path / 'outreach.db'}", sending_campaign())
    planned = []
    for number, when in enumerate(WHEN):
        request_id = world.request(email=f"e{number}@m{number}.mx")
        rows = [(request_id, 1, "es-MX", step, "default", f"<t{number}{step}@site.com>", "press@site.com",
                 f"e{number}@m{number}.mx", f"m{number}.mx", "America/Mexico_City", f"Asunto ñ {number}",
                 when + timedelta(days=step), 3 * step, f"cuerpo {number}".encode() + bytes([0, 255]),
                 f"{number:064x}", bool(number % 2), f"<t{number}0@site.com>" if step else None,
                 "3@2026-11-20T15:04:05 5@2026-11-27T10:00:00" if number % 2 else None)
                for step in range(1 + number % 3)]
        planned.append((request_id, rows))
    with world.store.transaction() as session:
        write_run(session.connection(), world.campaign_id, planned, now=NOW, actor="maría")
    with world.store.transaction() as session:
        raw = [session.connection().exec_driver_sql(query).all() for query in (
            "SELECT * FROM outbox ORDER BY id", "SELECT id, state, updated_at FROM link_request ORDER BY id",
            "SELECT * FROM audit_log WHERE action = 'request.state' ORDER BY id")]
        objects = [[item.model_dump() for item in session.exec(select(OutboxMessage))],
                   [item.model_dump() for item in session.exec(
                       select(AuditEntry).where(AuditEntry.action == "request.state"))]]
    return raw, objects


def test_native_values_store_what_the_column_types_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    native = _written(tmp_path / "native", True, monkeypatch)
    typed = _written(tmp_path / "typed", False, monkeypatch)
    assert native == typed
    assert len(native[0][0]) == 12 and len(native[0][2]) == len(WHEN)
    assert {row.state for row in native[0][1]} == {"scheduled"}


def test_the_native_stamp_is_the_column_types_and_refuses_naive_times() -> None:
    processor = schedule_writes.OUTBOX.c.send_at.type._cached_bind_processor(sqlite.dialect())
    for when in WHEN:
        assert schedule_writes.sqlite_stamp(when) == processor(when)
    with pytest.raises(ValueError, match="naive"):
        schedule_writes.sqlite_stamp(datetime(2026, 1, 1))

