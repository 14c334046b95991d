"""Panes: one self-contained widget per job (prospects, outbox, placements, mailbox, planning).

A pane is a `textual.widget.Widget` subclass with two class attributes, `PANE_ID` (a stable id,
also used in key bindings) and `PANE_TITLE` (the tab label), built as `Pane(workspace)` with a
`outreach.tui.workspace.Workspace`. It loads its data in a worker after mount and offers
`reload()`. The app lists the panes it shows in `PANES`; a pane never reaches into the app.
"""

from __future__ import annotations

from typing import Protocol

from textual.widget import Widget

from outreach.tui.workspace import Workspace


class PaneClass(Protocol):
    """What the app needs of a pane class: its id, its tab title, and `Pane(workspace)`."""

    PANE_ID: str
    PANE_TITLE: str

    def __call__(self, workspace: Workspace) -> Widget:
        """Build the pane (cheaply: it loads after mount)."""
        ...
