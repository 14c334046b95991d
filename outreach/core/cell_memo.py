"""Remembering what a cell value became: exports repeat the same domains, names and numbers a lot."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

MEMO_LIMIT = 1 << 17
"""Values remembered per field; past this, new values are worked out every time (memory stays bounded)."""


class RowError(ValueError):
    """A row cannot become a prospect; `field` names the column at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


class Memo(dict[Hashable, Any]):
    """Results of a pure function by input value: `memo[value]` works a value out once.

    A dict, so a value seen before costs one lookup. Refusals (RowError) are not remembered: they
    are rare, and raising afresh keeps each one's traceback its own.
    """

    def __init__(self, compute: Callable[[Any], Any], limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self.compute = compute
        """Works a value out; raises RowError for a value it refuses."""
        self.limit = limit

    def __missing__(self, key: Hashable) -> Any:
        """Work out a value not seen before, and remember it while there is room."""
        result = self.compute(key)
        if len(self) < self.limit:
            self[key] = result
        return result
