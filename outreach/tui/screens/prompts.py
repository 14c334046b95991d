"""Small modal questions: pick one of several values, or give a reason (optionally for a choice)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

CANCEL: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel",
                                     tooltip="Close without changing anything")]


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one value from a list; dismissed with the value, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = CANCEL

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self._title, self._choices, self._current = title, choices, current

    def compose(self) -> ComposeResult:
        """A title and the list of choices."""
        with Vertical(classes="prompt"):
            yield Label(self._title, classes="prompt-title")
            yield OptionList(*(Option(label, id=value) for label, value in self._choices), id="choices")

    def on_mount(self) -> None:
        """Highlight the current value."""
        options = self.query_one(OptionList)
        values = [value for _, value in self._choices]
        if self._current in values:
            options.highlighted = values.index(self._current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)


class ReasonScreen(ModalScreen[tuple[str, str] | None]):
    """A reason (at least five characters), and a choice when choices are given."""

    BINDINGS: ClassVar[list[BindingType]] = CANCEL

    def __init__(self, title: str, placeholder: str, choices: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self._title, self._placeholder, self._choices = title, placeholder, choices or []

    def compose(self) -> ComposeResult:
        """A title, a choice when there are several, and the reason."""
        with Vertical(classes="prompt"):
            yield Label(self._title, classes="prompt-title")
            if self._choices:
                yield Select(self._choices, value=self._choices[0][1], allow_blank=False, id="choice",
                             compact=True)
            yield Input(placeholder=self._placeholder, id="reason", compact=True)
            yield Label("enter to confirm, escape to cancel", id="reason-hint", classes="hint")

    def on_mount(self) -> None:
        """Start typing the reason."""
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def _submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if len(reason) < 5:
            hint = "a reason needs a sentence a colleague will understand"
            self.query_one("#reason-hint", Label).update(hint)
            return
        choice = str(self.query_one("#choice", Select).value) if self._choices else ""
        self.dismiss((choice, reason))

    def action_cancel(self) -> None:
        """Close without a reason."""
        self.dismiss(None)
