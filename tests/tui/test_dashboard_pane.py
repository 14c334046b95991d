"""The PR lead's dashboard in a host app: versions, anchor and local bars against plan, funnel, headroom."""

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
from outreach.tui.panes.dashboard import DashboardPane, bar
from outreach.tui.workspace import Workspace
from tests.placements.conftest import World
from tests.tui.pane_checks import loaded, titles_with_broken_store

TODAY = date(2026, 11, 20)


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield DashboardPane(self.workspace, today=TODAY)


def _workspace(demo_dir: Path, sqlite_url: str) -> Workspace:
    settings = load_settings(campaign=demo_dir, database_url=sqlite_url)
    campaign = load_campaign(demo_dir)
    store = Store.open(sqlite_url, "lead")
    world = World(store, campaign, store.campaign_id(campaign))
    with store.transaction() as session:
        import_file(session, campaign, world.campaign_id, demo_dir / "prospects" / "es-MX.csv",
                    ImportOptions("es-MX"), "lead")
    world.place("https://a.com.mx/1", anchor="Tallyro", found_on=date(2026, 9, 3))
    world.place("https://b.com.mx/1", anchor="tallyro.com", found_on=date(2026, 10, 3))
    world.place("https://c.com/1", anchor="software de nómina", found_on=date(2026, 11, 9), locality="global")
    world.place("https://d.com/1", page_url="https://www.tallyro.com/mx/calculadora-isr/", anchor="aquí",
                found_on=date(2026, 11, 12), locality="global")
    return Workspace(settings, campaign, store)


def _text(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).render())


def test_bar_marks_the_plan() -> None:
    drawn = bar(0.5, 0.25, width=8)
    assert drawn.plain == "██┃█░░░░"
    assert bar(None, None, width=4).plain == "░░░░"


async def test_market_and_version_views(demo_dir: Path, sqlite_url: str) -> None:
    app = Host(_workspace(demo_dir, sqlite_url))
    async with app.run_test(size=(130, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert _text(app, "#dash-title").startswith("es-MX: 4 live links on 3 URL version(s)")
        versions = app.query_one("#dash-versions", DataTable)
        assert versions.get_row_at(0) == ["/mx/nomina/", "3", "0", "67%", "60%–100%", "on plan"]
        anchors = _text(app, "#dash-anchors")
        assert "branded   " in anchors and "33% of 3, plan 40%" in anchors
        assert "local sources (the" not in anchors and "67%  on plan" in _text(app, "#dash-locality")
        assert app.query_one("#dash-velocity", Sparkline).data[-3:] == [1.0, 1.0, 2.0]
        assert "cap 12 per 30 days" in _text(app, "#dash-velocity-label")
        funnel = _text(app, "#dash-funnel")
        assert "prospects" in funnel and "won" in funnel
        assert _text(app, "#dash-room").startswith("Headroom: ")
        versions.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        assert "0% of 0" not in _text(app, "#dash-anchors") and "100% of 1" in _text(app, "#dash-anchors")
        assert "below plan" in _text(app, "#dash-locality")
        assert app.query_one("#dash-version-velocity", Sparkline).data[-1] == 1.0
        assert _text(app, "#dash-version-velocity-label").endswith("1 in 12 months")
        order = [market.tag for market in app.workspace.campaign.by_priority()]
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert _text(app, "#dash-title").startswith(f"{order[1]}: 0 live links")
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert _text(app, "#dash-title").startswith(f"{order[-1]}: 0 live links")


async def test_a_broken_store_is_a_notification(demo_dir: Path, tmp_path: Path) -> None:
    workspace = _workspace(demo_dir, f"sqlite:///{tmp_path / 'a.db'}")
    assert await titles_with_broken_store(workspace, tmp_path / "a.db", Host) == ["Cannot build the dashboard"]


def test_dashboard_pane_snapshot(demo_dir: Path, sqlite_url: str, snap_compare: Any) -> None:
    assert snap_compare(Host(_workspace(demo_dir, sqlite_url)), terminal_size=(120, 44), run_before=loaded)
