"""Writing a scheduling run: the outbox rows in bulk, the requests moved to `scheduled`, each audited,
all in the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, MetaData, Table, update

from outreach.core import followup_plan
from outreach.core.bulk import bulk_insert
from outreach.core.models import AuditEntry, LinkRequest
from outreach.core.outbox_tables import OutboxMessage

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]
ROW_COLUMNS = ("request_id", "prospect_id", "market", "step", "mailbox", "message_id", "sender",
               "recipient", "recipient_domain", "timezone", "subject", "send_at", "delay_days", "content",
               "content_sha256", "smtputf8", "thread_root", "planned_followups")
"""One outbox row's own values, in order (the run's shared ones are added at insert)."""
_SEND_AT = ROW_COLUMNS.index("send_at")
_PLAN = ROW_COLUMNS.index("planned_followups")
CHUNK = 5000
"""Ids per `IN (…)` list (SQLite limits bound parameters)."""
SHORTEST_RANGE = 32
"""Consecutive ids from which one `BETWEEN` moves them (SQLite updates a range about 3x faster than
the same rows named in `IN` lists)."""


_AUDIT_DETAIL = ('{"from": "approved", "to": "scheduled", "messages": %d, "followups_planned": %d, '
                 '"first_send_at": "%s"}')
"""json.dumps of the audit detail dict below, for its keys in that order and an ISO timestamp."""
_SAMPLE = datetime(2026, 3, 29, 1, 2, 3, 4005, tzinfo=UTC)


def _untyped(table: Table) -> Table:
    """The table's columns without their SQL types, for values already in the driver's stored form."""
    return Table(table.name, MetaData(), *(Column(column.name) for column in table.c))


_RAW = {OUTBOX.name: _untyped(OUTBOX), AUDIT.name: _untyped(AUDIT)}

Planned = Sequence[tuple[int, Sequence[tuple[Any, ...]]]]
"""Each request's id and its outbox rows (values in ROW_COLUMNS order)."""


def write_run(connection: Connection, campaign_id: int, planned: Planned, *, now: datetime,
              actor: str) -> int:
    """Insert each request's rows, move the requests from approved to scheduled and audit each (a run may
    write its requests a part at a time, in order); returns the follow-ups the rows book."""
    _insert_rows(connection, campaign_id, planned, now=now)
    return _record_run(connection, campaign_id, planned, now=now, actor=actor)


def _insert_rows(connection: Connection, campaign_id: int, planned: Planned, *, now: datetime) -> None:
    """Insert these requests' outbox rows."""
    stamp = sqlite_stamp if _stores_natively(connection) else None
    if stamp is None:
        rows = [row for _, request_rows in planned for row in request_rows]
        stored_now: Any = now
    else:  # the values as SQLite's column types would turn them, made without their per-value checks
        rows = [(*row[:_SEND_AT], stamp(row[_SEND_AT]), *row[_SEND_AT + 1:])
                for _, request_rows in planned for row in request_rows]
        stored_now = stamp(now)
    shared = {"campaign_id": campaign_id, "state": "scheduled", "manual": False, "attempts": 0,
              "created_at": stored_now, "updated_at": stored_now}
    bulk_insert(connection, OUTBOX if stamp is None else _RAW[OUTBOX.name], ROW_COLUMNS, rows, shared)


def _record_run(connection: Connection, campaign_id: int, planned: Planned, *, now: datetime,
               actor: str) -> int:
    """Move these requests from approved to scheduled and audit each; the follow-ups their rows book."""
    if not planned:
        return 0
    _mark_scheduled(connection, [request_id for request_id, _ in planned], now)
    booked = [_followups_booked(request_rows) for _, request_rows in planned]
    details: list[Any]
    if _stores_natively(connection):
        details = [_AUDIT_DETAIL % (len(request_rows), followups, request_rows[0][_SEND_AT].isoformat())
                   for (_, request_rows), followups in zip(planned, booked, strict=True)]
        stored_now: Any = sqlite_stamp(now)
        audit = _RAW[AUDIT.name]
    else:
        details = [{"from": "approved", "to": "scheduled", "messages": len(request_rows),
                    "followups_planned": followups, "first_send_at": request_rows[0][_SEND_AT].isoformat()}
                   for (_, request_rows), followups in zip(planned, booked, strict=True)]
        stored_now, audit = now, AUDIT
    audit_rows = [(str(request_id), detail) for (request_id, _), detail in zip(planned, details, strict=True)]
    bulk_insert(connection, audit, ("object_id", "detail"), audit_rows,
                {"at": stored_now, "actor": actor, "action": "request.state", "object_type": "request",
                 "campaign_id": campaign_id})
    return sum(booked)


def _followups_booked(rows: Sequence[tuple[Any, ...]]) -> int:
    """How many follow-ups a request's rows book without composing them yet."""
    return sum(followup_plan.count(row[_PLAN]) for row in rows)


def sqlite_stamp(value: datetime) -> str:
    """A timestamp as UtcDateTime stores it in SQLite: UTC, `YYYY-MM-DD HH:MM:SS.ffffff`."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store times as timezone-aware UTC")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _stores_natively(connection: Connection) -> bool:
    """Whether this is SQLite with the default JSON serializer and timestamps stored as `sqlite_stamp`."""
    dialect = connection.dialect
    if dialect.name != "sqlite" or getattr(dialect, "_json_serializer", None) is not None:
        return False
    processor: Callable[[Any], Any] | None = OUTBOX.c.send_at.type._cached_bind_processor(dialect)
    return processor is not None and processor(_SAMPLE) == sqlite_stamp(_SAMPLE)


def _mark_scheduled(connection: Connection, ids: list[int], now: datetime) -> None:
    """Move these requests, where still approved, to scheduled: long runs of ids by range, others by list."""
    ranges, loose = consecutive_runs(sorted(set(ids)), SHORTEST_RANGE)
    move = update(REQUESTS).values(state="scheduled", updated_at=now)
    for first, last in ranges:
        connection.execute(move.where(REQUESTS.c.id.between(first, last), REQUESTS.c.state == "approved"))
    for start in range(0, len(loose), CHUNK):
        connection.execute(move.where(REQUESTS.c.id.in_(loose[start:start + CHUNK]),
                                      REQUESTS.c.state == "approved"))


def consecutive_runs(ids: Sequence[int], shortest: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Sorted unique ids as (first, last) of each run of `shortest` or more consecutive ones, and the rest."""
    ranges: list[tuple[int, int]] = []
    loose: list[int] = []
    start = 0
    for index in range(1, len(ids) + 1):
        if index < len(ids) and ids[index] == ids[index - 1] + 1:
            continue
        if index - start >= shortest:
            ranges.append((ids[start], ids[index - 1]))
        else:
            loose.extend(ids[start:index])
        start = index
    return ranges, loose
