"""The localised pitch exactly as it would be sent: subject and body."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from outreach.core.templates import RenderedMessage


class PreviewScreen(ModalScreen[None]):
    """Subject, body and where the text came from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f3", "close", "Close", id="preview.close", tooltip="Back to the request"),
    ]

    def __init__(self, title: str, message: RenderedMessage) -> None:
        super().__init__()
        self._title, self._message = title, message

    def compose(self) -> ComposeResult:
        """Title, subject, body."""
        with VerticalScroll(classes="prompt", id="preview"):
            yield Label(self._title, classes="prompt-title")
            yield Label(f"Subject: {self._message.subject}", id="preview-subject", markup=False)
            yield Static(self._message.body, id="preview-body", markup=False)
            yield Label("escape closes", classes="hint")

    def action_close(self) -> None:
        """Back to the request."""
        self.dismiss(None)
