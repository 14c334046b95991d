"""The review pane's decision row: a comment, Approve and Reject."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Input

from outreach.core.template_drafts import Decision


class DecisionBar(Horizontal):
    """A comment box and two buttons; pressing one asks the pane to record the decision."""

    class Decided(Message):
        """The reviewer pressed Approve or Reject."""

        def __init__(self, decision: Decision) -> None:
            super().__init__()
            self.decision = decision

    def compose(self) -> ComposeResult:
        """Comment, then the buttons."""
        yield Input(placeholder="Comment (required to reject)", id="review-comment", compact=True)
        yield Button("Approve", id="review-approve", variant="success", compact=True,
                     tooltip="Approve the saved text (ctrl+o)")
        yield Button("Reject", id="review-reject", variant="error", compact=True,
                     tooltip="Reject the saved text with the comment (ctrl+n)")

    @property
    def comment(self) -> str:
        """What the reviewer wrote."""
        return self.query_one("#review-comment", Input).value

    def clear(self) -> None:
        """Empty the comment once its decision is recorded."""
        self.query_one("#review-comment", Input).value = ""

    @on(Button.Pressed, "#review-approve")
    def _approve(self) -> None:
        self.post_message(self.Decided("approved"))

    @on(Button.Pressed, "#review-reject")
    def _reject(self) -> None:
        self.post_message(self.Decided("rejected"))
