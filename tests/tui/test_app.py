"""The app shell: loading after mount, markets, the market switcher, palette, help, themes, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Select, TabbedContent

from outreach.settings import load_settings
from outreach.tui.app import PANES, make_app
from outreach.tui.panes.prospects import ProspectsPane
from outreach.tui.screens.help import HelpScreen
from outreach.tui.workspace import Workspace
from tests.tui.workspaces import demo_workspace, messages, settle, titles


async def test_app_opens_the_campaign_after_mount(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(load_settings(campaign=demo_dir, database_url=sqlite_url))
    assert app.workspace is None  # construction touches nothing
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one("#market-table", DataTable)
        assert table.row_count == 7
        assert table.get_row("es-MX")[:4] == ["es-MX", "Spanish", "Mexico", "0"]
        assert app.sub_title == "Tallyro international launch 2026"
        assert [tab.id for tab in app.query_one(TabbedContent).query("TabPane")] == \
            [pane.PANE_ID for pane in PANES]


async def test_broken_campaign_is_a_notification(write_campaign: Any, sqlite_url: str) -> None:
    folder = write_campaign("[campaign]\nid = \n")
    app = make_app(load_settings(campaign=folder, database_url=sqlite_url))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert titles(app) == ["Cannot load"]
        assert not app.query("#market-table")
        assert app.is_running


async def test_switching_market_reaches_every_pane(demo_dir: Path, sqlite_url: str) -> None:
    workspace = demo_workspace(demo_dir, sqlite_url, ("es-MX", "es-ES"))
    app = make_app(workspace=workspace, first_pane="prospects")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(ProspectsPane)
        assert pane.market == "es-MX"
        app.query_one("#market-select", Select).value = "es-ES"
        await settle(pilot)
        assert pane.market == "es-ES"
        assert app.query_one("#import-market").render().plain == "into market es-ES"  # type: ignore[attr-defined]
        table = app.query_one("#prospect-table", DataTable)
        shown = {str(table.get_row_at(index)[0]) for index in range(table.row_count)}
        assert shown and all(domain.endswith((".es", ".com", ".org", ".net", ".eu")) for domain in shown)


async def test_digits_show_panes_and_help_lists_keys(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "import"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = app.screen.query_one("#help-keys", DataTable)
        ids = {str(keys.get_row_at(index)[3]) for index in range(keys.row_count)}
        assert {"app.help", "app.theme", "prospects.stage", "prospects.dnc", "dedupe.merge", "import.start",
                "requests.schedule", "planning.reload"} <= ids
        assert app.screen.query_one("#help-panes", DataTable).row_count == len(PANES)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_theme_toggles_between_dark_and_light(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ()))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        await pilot.press("t")
        assert not app.current_theme.dark
        await pilot.press("t")
        assert app.current_theme.dark


async def test_palette_offers_every_action(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ()))
    async with app.run_test() as pilot:
        await settle(pilot)
        names = [name for name, _, _ in app.palette_commands()]
        for pane in PANES:
            assert f"Show {pane.PANE_TITLE}" in names
        assert {f"Market {tag}" for tag in app.workspace.campaign.markets} <= set(names)  # type: ignore[union-attr]
        assert {"Import: Start import", "Dedupe: Find duplicates", "Dedupe: Merge", "Prospects: Stage",
                "Requests: Schedule", "Toggle light/dark theme", "Help: keys and panes"} <= set(names)
        run = dict((name, action) for name, _, action in app.palette_commands())
        run["Market es-AR"]()
        run["Show Dedupe"]()
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "dedupe"
        assert app.query_one("#market-select", Select).value == "es-AR"


async def test_palette_finds_actions_by_fuzzy_search(demo_dir: Path, sqlite_url: str) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ()))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"find dupl")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "dedupe"


class Exploding(Widget):
    """A pane whose loading fails in a way nobody planned for."""

    PANE_ID = "exploding"
    PANE_TITLE = "Exploding"
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True)
    def _load(self) -> None:
        raise RuntimeError("disk on fire")


async def test_an_unexpected_worker_error_is_a_notification_not_a_traceback(
        demo_dir: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(workspace=demo_workspace(demo_dir, sqlite_url, ()), panes=[Exploding])  # type: ignore[list-item]
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.is_running
        assert titles(app) == ["Something went wrong"]
        assert "disk on fire" in messages(app)[-1]
    assert app.return_code in (0, None)
    assert any("worker failed" in record.message for record in caplog.records)


def test_outside_a_terminal_the_app_command_prints_markets_and_a_hint(demo_dir: Path, sqlite_url: str) -> None:
    from tests.test_cli import run

    result = run("-C", str(demo_dir), "--db", sqlite_url, "app")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("es-MX  Spanish · Mexico · America/Mexico_City")
    assert len(result.stdout.splitlines()) == 7
    assert "not a terminal, so the app did not open" in result.stderr
