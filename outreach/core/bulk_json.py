"""JSON values for bulk inserts, converted as the column's own type converts them, but not row by row.

A million-row import writes a metrics dict and an event detail per row; most metrics dicts repeat,
and every event detail differs only in its row number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, Connection

from outreach.core.cell_memo import Memo

Converter = Callable[[Any], Any]

_MARKER = 918_273_645
"""A row number unlikely to appear elsewhere in a detail; a detail where it does is converted per row."""


def bind_processor(connection: Connection, column: Column[Any]) -> Converter:
    """The column type's own conversion of a Python value for this connection's driver."""
    processor = column.type._cached_bind_processor(connection.dialect)
    return processor if processor is not None else _unchanged


def _unchanged(value: Any) -> Any:
    """A value the driver takes as it is."""
    return value


class FlatJson:
    """Converts flat dicts of non-zero floats once per distinct content; anything else every time.

    Only such dicts are remembered: equal ones then always convert alike (`0.0 == -0.0` and
    `1 == 1.0` would not), and their items are hashable.
    """

    def __init__(self, convert: Converter) -> None:
        self.convert = convert
        self._memo = Memo(lambda items: convert(dict(items)))

    def __call__(self, value: Any) -> Any:
        """`convert(value)`, remembered for flat float dicts."""
        if type(value) is dict:
            items = tuple(value.items())
            if all(type(number) is float and number for _, number in items):
                return self._memo[items]
        return self.convert(value)


class Numbered:
    """Converts `{**fixed, key: number}` for each number by filling it into the converted text of a sample.

    JSON writes an int as its decimal digits, so the text for any int is the sample's with the digits
    swapped; non-ints, and drivers that do not take text, go through `convert` itself.
    """

    def __init__(self, convert: Converter, fixed: Mapping[str, Any], key: str) -> None:
        self.convert, self.fixed, self.key = convert, dict(fixed), key
        sample = convert({**fixed, key: _MARKER})
        digits = str(_MARKER)
        head, found, tail = sample.partition(digits) if isinstance(sample, str) else ("", "", "")
        self.template = (head, tail) if found and digits not in tail else None
        """(text before the number, text after it), or None when the text cannot be filled in."""

    def __call__(self, number: Any) -> Any:
        """The converted value for one number."""
        if self.template is not None and type(number) is int:
            return f"{self.template[0]}{number}{self.template[1]}"
        return self.convert({**self.fixed, self.key: number})
