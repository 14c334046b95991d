"""Remembered and templated JSON conversions give exactly the column type's own conversion."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import JSON, Column, create_engine

from outreach.core.bulk_json import FlatJson, Numbered, bind_processor

COLUMN: Column[Any] = Column("detail", JSON)


@pytest.fixture(scope="module")
def convert() -> Callable[[Any], Any]:
    """SQLite's conversion of a JSON column's values."""
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        return bind_processor(connection, COLUMN)


def metric_dicts(rng: random.Random) -> list[Any]:
    """Flat dicts that repeat, and the near-misses a memo could confuse: 0.0 and -0.0, 1 and 1.0, order."""
    names = ["dr", "da", "traffic"]
    made: list[Any] = []
    for _ in range(3000):
        chosen = rng.sample(names, rng.randint(0, 3))
        made.append({name: rng.choice([1.0, 1, 0.0, -0.0, 2.5, 1e20, float("inf"), True, "7", None, 12345.0])
                     for name in chosen})
    return [*made, {"dr": [1.0]}, {"dr": {"x": 1.0}}, [1.0], None, {"dr": float("nan")}]


def test_flat_json_matches_the_columns_conversion(convert: Callable[[Any], Any]) -> None:
    remembered = FlatJson(convert)
    for value in metric_dicts(random.Random(5)):
        assert remembered(value) == convert(value), value


@pytest.mark.parametrize("fixed", [{"file": "list.csv", "format": "outreach"}, {},
                                   {"file": "918273645.csv"}, {"file": "Lista de €.csv", "row": 3}])
@pytest.mark.parametrize("number", [0, 7, -3, 10**20, None, True, 2.0, "9"])
def test_numbered_details_match_the_columns_conversion(convert: Callable[[Any], Any], fixed: dict[str, Any],
                                                       number: Any) -> None:
    assert Numbered(convert, fixed, "row")(number) == convert({**fixed, "row": number})


def test_numbered_details_follow_the_serializer() -> None:
    def sorted_dumps(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    detail = Numbered(sorted_dumps, {"zeta": "é", "alpha": 1}, "row")
    assert detail(42) == sorted_dumps({"zeta": "é", "alpha": 1, "row": 42})
