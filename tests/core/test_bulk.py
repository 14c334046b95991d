"""Driver-level bulk inserts: conversions by column type, constants once, the fallback path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, select

from outreach.core import bulk
from outreach.core.bulk import bulk_insert
from outreach.core.models import UtcDateTime

METADATA = MetaData()
ITEMS = Table("items", METADATA, Column("id", Integer, primary_key=True), Column("name", String),
              Column("at", UtcDateTime()), Column("kind", String))
WHEN = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A throwaway SQLite database with one small table."""
    made = create_engine(f"sqlite:///{tmp_path / 'b.db'}")
    METADATA.create_all(made)
    yield made
    made.dispose()


def rows_of(engine: Engine) -> list[tuple[object, ...]]:
    """Everything in the table, by id."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(ITEMS).order_by(ITEMS.c.id))]


def test_rows_and_constants_are_converted_by_type(engine: Engine) -> None:
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name", "at"), [("a", WHEN), ("b", None)], {"kind": "x"})
    assert rows_of(engine) == [(1, "a", WHEN, "x"), (2, "b", None, "x")]


def test_naive_datetimes_are_refused_even_in_bulk(engine: Engine) -> None:
    with pytest.raises(ValueError, match="naive datetime"), engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name", "at"), [("a", datetime(2026, 1, 1))])
    assert rows_of(engine) == []


def test_an_empty_batch_writes_nothing(engine: Engine) -> None:
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name",), [])
    assert rows_of(engine) == []


def test_unusual_drivers_fall_back_to_sqlalchemy(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_PLACEHOLDERS", {})
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name",), [("a",), ("b",)], {"kind": "y", "at": WHEN})
    assert rows_of(engine) == [(1, "a", WHEN, "y"), (2, "b", WHEN, "y")]


def test_values_never_reach_the_sql_text(engine: Engine) -> None:
    hostile = "x'); DROP TABLE items; --"
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name",), [(hostile,)], {"kind": hostile})
    assert rows_of(engine) == [(1, hostile, None, hostile)]


def test_explicit_sqlite_ids_are_those_sqlite_would_give(engine: Engine) -> None:
    for explicit in (False, True):
        with engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM items")
            bulk_insert(connection, ITEMS, ("name",), [("a",), ("b",), ("c",)])
            connection.exec_driver_sql("DELETE FROM items WHERE name IN ('a', 'c')")  # the highest id is free
            ids = bulk.sqlite_next_ids(connection, ITEMS, 2)
            assert ids == [3, 4]
            if explicit:
                bulk_insert(connection, ITEMS, ("id", "name"), [(ids[0], "d"), (ids[1], "e")])
            else:
                bulk_insert(connection, ITEMS, ("name",), [("d",), ("e",)])
        assert [row[:2] for row in rows_of(engine)] == [(2, "b"), (3, "d"), (4, "e")]


def test_other_databases_hand_out_their_own_ids(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with engine.begin() as connection:
        monkeypatch.setattr(connection.dialect, "name", "postgresql")
        assert bulk.sqlite_next_ids(connection, ITEMS, 2) is None


def test_converters_replace_a_columns_own_conversion(engine: Engine) -> None:
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name", "at"), [("a", WHEN.isoformat())], {"kind": "x"},
                    {"name": str.upper, "at": None})
        stored = connection.exec_driver_sql("SELECT name, at FROM items").one()
    assert tuple(stored) == ("A", WHEN.isoformat())


def test_rows_go_in_batches_from_a_generator(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "_BATCH", 2)
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name",), ((name,) for name in "abcde"), {"kind": "z"})
    assert [row[1] for row in rows_of(engine)] == list("abcde")


@pytest.mark.parametrize("numbers", [[2, 3, 10], [0, -4, 2**53 - 1], [7]])
def test_numbered_rows_in_one_statement_are_those_bulk_insert_stores(engine: Engine, numbers: list[int]) -> None:
    template = ('{"file": "list.csv", "row": ', "}")
    ids = list(range(11, 11 + len(numbers)))
    with engine.begin() as connection:
        assert bulk.sqlite_numbered_insert(connection, ITEMS, ("id", "name"), ids, template, numbers,
                                           {"at": WHEN, "kind": "k"})
    fast = rows_of(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM items")
        bulk_insert(connection, ITEMS, ("id", "name"),
                    [(pid, f"{template[0]}{n}{template[1]}") for pid, n in zip(ids, numbers, strict=True)],
                    {"at": WHEN, "kind": "k"})
    assert fast == rows_of(engine)


@pytest.mark.parametrize(("ids", "template", "numbers"), [
    ([1, 3], ("a", "b"), [1, 2]),  # ids with a gap
    ([1, 2], None, [1, 2]),  # no template
    ([1, 2], ("a", "b"), [1, None]),  # not every number an int
    ([1, 2], ("a", "b"), [1, True]),
    ([1, 2], ("a", "b"), [1, 2**53]),  # past what JSON keeps exact
    ([], ("a", "b"), []),
])
def test_numbered_rows_are_left_to_bulk_insert_when_they_do_not_fit(
        engine: Engine, ids: list[int], template: tuple[str, str] | None, numbers: list[object]) -> None:
    with engine.begin() as connection:
        assert not bulk.sqlite_numbered_insert(connection, ITEMS, ("id", "name"), ids, template, numbers, {})
    assert rows_of(engine) == []
