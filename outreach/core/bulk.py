"""Bulk inserts through the driver's executemany, values converted by each column's own SQL type.

SQLAlchemy's Core insert spends more time per row than SQLite spends storing it; here each
column's bind processor runs once per value (once per import for constants), and one
executemany sends the tuples.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, func, select

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}
_BATCH = 50_000
"""Rows per executemany: enough that each call costs nothing extra, few enough that no copy of a whole
import's rows is held at once."""
_EXACT = 1 << 53
"""Integers SQLite's JSON reader keeps exact."""
_SQLITE_IMPORT_CACHE_KIB = 524_288
"""Page cache for a big import on SQLite (512 MB): index pages stay in memory while rows go in."""


def bulk_insert(connection: Connection, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], constants: Mapping[str, Any] | None = None,
                converters: Mapping[str, Callable[[Any], Any] | None] | None = None) -> None:
    """Insert rows (values in `columns` order) plus `constants` shared by every row.

    `converters` replace a column's own conversion (see bulk_json); None for values already converted.
    """
    constants = dict(constants or {})
    dialect = connection.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    if placeholder is None:  # an unusual driver: let SQLAlchemy do it row by row
        records = [{**dict(zip(columns, row, strict=True)), **constants} for row in rows]
        if records:
            connection.execute(table.insert(), records)
        return
    shared = tuple(_processed(table, name, value, dialect) for name, value in constants.items())
    converters = converters or {}
    processors = [converters[name] if name in converters
                  else table.c[name].type._cached_bind_processor(dialect) for name in columns]
    names = [*columns, *constants]
    # Table and column names come from our own metadata, never from input; values are bound.
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608
           f"VALUES ({', '.join([placeholder] * len(names))})")
    converted = _tuples(rows, processors, shared)
    while batch := list(islice(converted, _BATCH)):
        connection.exec_driver_sql(sql, batch)


def sqlite_numbered_insert(connection: Connection, table: Table, columns: tuple[str, str], ids: Sequence[int],
                           template: tuple[str, str] | None, numbers: Sequence[Any],
                           constants: Mapping[str, Any]) -> bool:
    """On SQLite, insert (id, head + number + tail, *constants) per number in one statement; False if not.

    The numbers travel as one JSON array that SQLite unrolls, instead of a bound row each. SQLite writes
    an integer in text as its decimal digits, as Python does, so the rows are those a bulk insert of
    the filled-in texts would store. Only for consecutive ids, ints that JSON keeps exact, and a template.
    """
    exact = all(type(number) is int and -_EXACT < number < _EXACT for number in numbers)
    consecutive = bool(ids) and len(ids) == len(numbers) and list(ids) == list(range(ids[0], ids[-1] + 1))
    if connection.dialect.name != "sqlite" or template is None or not exact or not consecutive:
        return False
    shared = tuple(_processed(table, name, value, connection.dialect) for name, value in constants.items())
    names = [*columns, *constants]
    # Table and column names come from our own metadata, never from input; values are bound.
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608
           f"SELECT ? + key, ? || value || ?{', ?' * len(shared)} FROM json_each(?) ORDER BY key")
    connection.exec_driver_sql(sql, (ids[0], *template, *shared, json.dumps(list(numbers))))
    return True


def _processed(table: Table, name: str, value: Any, dialect: Any) -> Any:
    """One value converted as its column's type converts it."""
    processor = table.c[name].type._cached_bind_processor(dialect)
    return processor(value) if processor else value


def _tuples(rows: Iterable[Sequence[Any]], processors: Sequence[Any],
            shared: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """Each row converted column by column, with the shared values after it."""
    active = [(index, processor) for index, processor in enumerate(processors) if processor]
    if not active:  # values already converted (event details): no copy to change
        yield from ((*row, *shared) for row in rows)
        return
    for row in rows:
        values = list(row)
        for index, processor in active:
            values[index] = processor(values[index])
        yield (*values, *shared)


def sqlite_next_ids(connection: Connection, table: Table, count: int) -> list[int] | None:
    """On SQLite, the ids the next `count` rows of a table would get, to insert them explicitly.

    SQLite gives a new row max(id) + 1 (no AUTOINCREMENT here), so inserting these ids stores exactly
    what it would have and spares reading them back; a concurrent writer would make the insert fail,
    never mix ids up. None on other databases, whose sequences must hand out their own ids.
    """
    if connection.dialect.name != "sqlite":
        return None
    before = connection.execute(select(func.max(table.c.id))).scalar() or 0
    return list(range(before + 1, before + 1 + count))


@contextmanager
def big_write(connection: Connection) -> Iterator[None]:
    """On SQLite, a large page cache for the duration of a bulk write (per connection, so restored)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


@contextmanager
def indexes_deferred(connection: Connection, table: Table, incoming: int) -> Iterator[None]:
    """On SQLite, drop a table's plain secondary indexes while `incoming` rows go in, then rebuild them.

    Worth it only when the rows coming outnumber those already there: one sort per index then beats
    a B-tree insert per row. Unique indexes stay (they guard the data). DDL is transactional in
    SQLite, so a failure or a crash before commit leaves the indexes exactly as they were.
    """
    if not _in_sqlite_transaction(connection) or incoming <= _row_count(connection, table):
        yield
        return
    dropped = _plain_indexes(connection, table)
    for name, _ in dropped:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in dropped:
        connection.exec_driver_sql(sql)


def _in_sqlite_transaction(connection: Connection) -> bool:
    """Whether this is SQLite inside a real BEGIN (pysqlite left to itself would autocommit DDL)."""
    if connection.dialect.name != "sqlite":
        return False
    return bool(getattr(connection.connection.dbapi_connection, "in_transaction", False))


def _row_count(connection: Connection, table: Table) -> int:
    """Rows in the table now."""
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _plain_indexes(connection: Connection, table: Table) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each non-unique index made by CREATE INDEX on this SQLite table."""
    listed = connection.exec_driver_sql(f'PRAGMA index_list("{table.name}")').all()
    plain = {row[1] for row in listed if not row[2] and row[3] == "c"}  # (seq, name, unique, origin, partial)
    statements = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (table.name,)).all()
    return [(str(name), str(sql)) for name, sql in statements if name in plain]
