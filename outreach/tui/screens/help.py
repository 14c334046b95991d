"""The help screen: every pane and every key, with what it does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

Section = tuple[str, Sequence[Binding]]
"""A heading (the app, or one pane) and its key bindings."""


def key_label(binding: Binding) -> str:
    """A binding's keys as people read them (`ctrl+n`, `?`, `]`)."""
    if binding.key_display:
        return binding.key_display
    return ", ".join(_key_names().get(part, part) for part in binding.key.split(","))


def _key_names() -> dict[str, str]:
    """Key names Textual uses for punctuation, and the characters people know them by."""
    return {"question_mark": "?", "slash": "/", "left_square_bracket": "[", "right_square_bracket": "]"}


def bindings_of(items: Iterable[BindingType]) -> list[Binding]:
    """The Binding objects among class-level BINDINGS (tuples are turned into Bindings)."""
    return [item if isinstance(item, Binding) else Binding(*item) for item in items]


class HelpScreen(ModalScreen[None]):
    """Panes and keys, grouped by where they work."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "close", "Close help", id="help.close",
                tooltip="Back to the panes"),
    ]

    def __init__(self, panes: Sequence[tuple[str, str]], sections: Sequence[Section]) -> None:
        super().__init__()
        self._panes, self._sections = panes, sections

    def compose(self) -> ComposeResult:
        """One table of panes, then one table of keys per section."""
        with VerticalScroll(id="help"):
            yield Label("outreach: help (escape closes)", classes="prompt-title")
            yield Label("Panes: press the number, or pick them in the command palette (ctrl+p)")
            yield DataTable(id="help-panes", cursor_type="row", show_cursor=False)
            yield DataTable(id="help-keys", cursor_type="row", show_cursor=False)

    def on_mount(self) -> None:
        """Fill the tables."""
        panes = self.query_one("#help-panes", DataTable)
        panes.add_columns("key", "pane", "id")
        for number, (pane_id, title) in enumerate(self._panes, start=1):
            panes.add_row(str(number), title, pane_id)
        keys = self.query_one("#help-keys", DataTable)
        keys.add_columns("where", "key", "action", "id", "what it does")
        for where, bindings in self._sections:
            for binding in bindings:
                keys.add_row(where, key_label(binding), binding.description, binding.id or "",
                             binding.tooltip)
        keys.focus()

    def action_close(self) -> None:
        """Back to the app."""
        self.dismiss(None)
