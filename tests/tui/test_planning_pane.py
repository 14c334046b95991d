"""The planning pane in a host app: ranked markets, then the highlighted market's details."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Sparkline, Static

from outreach.core.campaign_file import load_campaign
from outreach.core.prospects import ImportOptions, import_file
from outreach.core.store import Store
from outreach.settings import load_settings
from outreach.tui.panes.planning import PlanningPane
from outreach.tui.workspace import Workspace


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield PlanningPane(self.workspace, today=date(2026, 11, 20))


def _workspace(demo_dir: Path, sqlite_url: str) -> Workspace:
    settings = load_settings(campaign=demo_dir, database_url=sqlite_url)
    campaign = load_campaign(demo_dir)
    store = Store.open(sqlite_url, "lead")
    with store.transaction() as session:
        import_file(session, campaign, store.campaign_id(campaign), demo_dir / "prospects" / "es-MX.csv",
                    ImportOptions("es-MX"), "lead")
    return Workspace(settings, campaign, store)


async def test_ranking_and_market_details(demo_dir: Path, sqlite_url: str) -> None:
    app = Host(_workspace(demo_dir, sqlite_url))
    async with app.run_test(size=(120, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        ranking = app.query_one("#plan-ranking", DataTable)
        assert ranking.row_count == 7
        assert ranking.get_row_at(0)[:3] == ["1", "es-MX", "pilot"]
        assert "Launch sequence: pilot es-MX" in str(app.query_one("#plan-sequence", Static).render())
        assert app.query_one("#plan-ramp", DataTable).row_count == 6
        assert app.query_one("#plan-thresholds", DataTable).get_row_at(0)[0].plain == "dr"
        assert sum(app.query_one("#plan-histogram", Sparkline).data or []) == 14
        ranking.focus()
        await pilot.press("down")
        await pilot.pause()
        second = ranking.get_row_at(1)[1]
        assert str(app.query_one("#plan-review", Static).render()).startswith(f"{second}:")


async def test_a_broken_store_is_a_notification(demo_dir: Path, tmp_path: Path) -> None:
    workspace = _workspace(demo_dir, f"sqlite:///{tmp_path / 'a.db'}")
    workspace.store.engine.dispose()
    (tmp_path / "a.db").write_bytes(b"not a database")
    app = Host(workspace)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one("#plan-ranking", DataTable).row_count == 0
        assert [note.title for note in app._notifications] == ["Cannot plan"]


def test_planning_pane_snapshot(demo_dir: Path, sqlite_url: str, snap_compare: Any) -> None:
    async def loaded(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(Host(_workspace(demo_dir, sqlite_url)), terminal_size=(120, 40), run_before=loaded)
