"""The text the prospect filter searches: domain, outlet, contact and email, case-folded, stored on each row.

Stored rather than computed per query so a filter keystroke reads one narrow, indexed column instead
of folding four columns of every wide row; Python's casefold also folds accented capitals (`É`),
which SQLite's lower() leaves alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEARCHED = ("domain", "outlet", "contact_name", "email")
"""Columns the filter text matches (case-insensitive substring)."""

SEPARATOR = "\x1f"
"""Between the fields, so a match never spans two of them (a filter's text never holds it)."""


def search_text(domain: str | None, outlet: str | None, contact_name: str | None, email: str | None) -> str:
    """The searched fields, case-folded and joined."""
    # Spelled out, not a generator: an import folds a million rows, and a generator costs twice as much.
    return SEPARATOR.join([(domain or "").casefold(), (outlet or "").casefold(),
                           (contact_name or "").casefold(), (email or "").casefold()])


def search_text_of(row: Mapping[str, Any]) -> str:
    """`search_text` of a prospect row or record (a mapping of its columns)."""
    return search_text(row.get("domain"), row.get("outlet"), row.get("contact_name"), row.get("email"))


def folded_query(text: str) -> str:
    """The filter text as it is matched against `search_text`: trimmed and case-folded."""
    return text.strip().casefold().replace(SEPARATOR, "")


def contains(column: Any, text: str) -> Any | None:
    """The SQL condition `column` (a search_text column) holds the folded filter text; None for no text.

    Both sides are case-folded, so LIKE's own (ASCII-only) case rules never come into it; `%` and `_`
    in the text are literal characters.
    """
    folded = folded_query(text)
    if not folded:
        return None
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")
