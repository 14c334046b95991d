"""Small helpers panes share: fixed-width table columns and readable failure messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.exc import SQLAlchemyError
from textual.widget import Widget
from textual.widgets import DataTable

from outreach.errors import OutreachError
from outreach.tui.notices import first_line

Columns = Mapping[str, Sequence[tuple[str, int]]]
"""Table selector -> (label, width) of each column."""


def fixed_columns(pane: Widget, columns: Columns) -> None:
    """Give each table fixed-width columns (auto-sized ones resize as rows arrive: the layout jumps)."""
    for selector, specs in columns.items():
        table = pane.query_one(selector, DataTable)
        for label, width in specs:
            table.add_column(label, width=width)


def failure_message(exc: OutreachError | SQLAlchemyError) -> str:
    """An outreach error as it is; a database error by the driver's first line, without SQL echo."""
    return str(exc) if isinstance(exc, OutreachError) else f"database error: {first_line(exc)}"
