"""What each screen looks like, at 80x24 and at 120x40 (pytest-textual-snapshot)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Select

from outreach.tui.app import make_app
from outreach.tui.panes.requests import RequestsPane
from outreach.tui.workspace import Workspace
from tests.tui.workspaces import demo_workspace, settle

SIZES = [(80, 24), (120, 40)]
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def workspace(demo_dir: Path, sqlite_url: str) -> Workspace:
    return demo_workspace(demo_dir, sqlite_url, ("es-MX", "es-ES"), approve=("es-MX",))


async def steady(pilot: Any) -> None:
    """Stop text cursors blinking, so the picture does not depend on when it is taken."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def loaded(*keys: str) -> Callable[[Any], Awaitable[None]]:
    """Wait for the panes to load, press the keys, wait again."""

    async def run(pilot: Any) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
        await steady(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize(("pane", "keys"), [("markets", ()), ("prospects", ()), ("dedupe", ("d",)),
                                             ("import", ()), ("help", ("f1",))])
def test_screen(workspace: Workspace, snap_compare: Any, pane: str, keys: tuple[str, ...],
                size: tuple[int, int]) -> None:
    app = make_app(workspace=workspace, first_pane=None if pane == "help" else pane)
    app.animation_level = "none"  # the tab underline would otherwise be caught sliding
    assert snap_compare(app, terminal_size=size, run_before=loaded(*keys))


class RequestHost(App[None]):
    """The requests pane on a fixed date, so the verdict's numbers do not move with the calendar."""

    CSS_PATH = str(Path(__file__).resolve().parents[2] / "outreach" / "tui" / "app.tcss")

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield RequestsPane(self.workspace, now=NOW)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_request_with_its_live_verdict(workspace: Workspace, snap_compare: Any, size: tuple[int, int]) -> None:
    async def compose(pilot: Any) -> None:
        await settle(pilot)
        pane = pilot.app.query_one(RequestsPane)
        pane.use_prospect(1)
        pilot.app.query_one("#request-page", Select).value = "https://www.tallyro.com/mx/nomina/"
        pilot.app.query_one("#request-anchor", Input).value = "software de nómina"
        await settle(pilot)
        await steady(pilot)

    app = RequestHost(workspace)
    app.animation_level = "none"
    assert snap_compare(app, terminal_size=size, run_before=compose)
