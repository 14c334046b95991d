"""The placements pane in a host app: the log with check statuses, verify in a worker, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, ProgressBar, Static

from outreach.core.campaign_file import load_campaign
from outreach.core.store import Store
from outreach.settings import load_settings
from outreach.tui.panes.placements import PlacementsPane
from outreach.tui.workspace import Workspace
from tests.placements.conftest import NOMINA, PageServer, Route, World, page, serve_pages
from tests.tui.pane_checks import loaded, titles_with_broken_store


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A real HTTP server of fixture pages on 127.0.0.1."""
    yield from serve_pages()


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace, market: str | None = "es-MX") -> None:
        super().__init__()
        self.workspace = workspace
        self.market = market

    def compose(self) -> ComposeResult:
        yield PlacementsPane(self.workspace, market=self.market)


def _workspace(demo_dir: Path, sqlite_url: str) -> tuple[Workspace, World]:
    settings = load_settings(campaign=demo_dir, database_url=sqlite_url)
    campaign = load_campaign(demo_dir)
    store = Store.open(sqlite_url, "lead")
    return Workspace(settings, campaign, store), World(store, campaign, store.campaign_id(campaign))


def _column(app: App[None], name: str) -> list[str]:
    table = app.query_one("#placements-table", DataTable)
    index = [str(column.label) for column in table.columns.values()].index(name)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_verify_runs_in_a_worker_and_updates_the_statuses(demo_dir: Path, sqlite_url: str,
                                                                 page_server: PageServer) -> None:
    page_server.routes.update({"/ok": Route(page(f'<a href="{NOMINA}">Tallyro</a>')), "/gone": Route("", 404)})
    workspace, world = _workspace(demo_dir, sqlite_url)
    world.place(page_server.url("/ok"), found_on=date(2026, 10, 1))
    world.place(page_server.url("/gone"), found_on=date(2026, 10, 2))
    world.place("https://otro.es/a", market="es-ES", page_url="https://www.tallyro.com/es/nominas/")
    app = Host(workspace)
    async with app.run_test(size=(150, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _column(app, "check") == ["not checked", "not checked"]
        assert "es-MX: 2 placements, 2 live, 0 with a check problem" in str(
            app.query_one("#placements-summary", Static).render())
        await pilot.press("v")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _column(app, "check") == ["http-error", "ok"]
        assert _column(app, "status") == ["lost", "live"]
        assert not app.query_one("#placements-progress", ProgressBar).has_class("running")
        assert [note.message for note in app._notifications] == ["checked 2: http-error 1, ok 1; 1 change(s)"]


async def test_verify_can_be_cancelled(demo_dir: Path, sqlite_url: str, page_server: PageServer) -> None:
    workspace, world = _workspace(demo_dir, sqlite_url)
    for number in range(8):
        page_server.routes[f"/p{number}"] = Route(page(f'<a href="{NOMINA}">Tallyro</a>'), delay=0.3)
        world.place(page_server.url(f"/p{number}"))
    app = Host(workspace)
    async with app.run_test(size=(150, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("v")
        await pilot.pause(0.5)
        assert app.query_one("#placements-progress", ProgressBar).has_class("running")
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        note = next(note.message for note in app._notifications if note.title == "Verify")
        assert "cancelled" in note and "not checked" in note
        assert 0 < _column(app, "check").count("ok") < 8


async def test_cancel_stops_a_verify_waiting_out_a_crawl_delay(demo_dir: Path, sqlite_url: str,
                                                                page_server: PageServer) -> None:
    workspace, world = _workspace(demo_dir, sqlite_url)
    page_server.routes["/robots.txt"] = Route("User-agent: *\nCrawl-delay: 59\n")
    for number in range(3):
        page_server.routes[f"/p{number}"] = Route(page(f'<a href="{NOMINA}">Tallyro</a>'))
        world.place(page_server.url(f"/p{number}"))
    app = Host(workspace)
    async with app.run_test(size=(150, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("v")
        while not page_server.seen:
            await pilot.pause(0.05)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        note = next(note.message for note in app._notifications if note.title == "Verify")
        assert note == (f"checked 0: nothing; 0 change(s); cancelled, 3 not checked; "
                        f"slowed by Crawl-delay: {page_server.base} 59 s")
        assert [path for path, _ in page_server.seen] == ["/robots.txt"]


async def test_a_broken_store_is_a_notification(demo_dir: Path, tmp_path: Path) -> None:
    workspace, _ = _workspace(demo_dir, f"sqlite:///{tmp_path / 'a.db'}")
    assert await titles_with_broken_store(workspace, tmp_path / "a.db", Host) == ["Cannot list placements"]


def test_placements_pane_snapshot(demo_dir: Path, sqlite_url: str, snap_compare: Any) -> None:
    workspace, world = _workspace(demo_dir, sqlite_url)
    world.place("https://www.revistapymes.com.mx/nomina/", anchor="software de nómina", found_on=date(2026, 10, 9))
    world.place("https://blog.com/tallyro", anchor="Tallyro", found_on=date(2026, 10, 3), locality="global",
                rel="nofollow")

    assert snap_compare(Host(workspace), terminal_size=(160, 10), run_before=loaded)
