"""The app opens on a campaign and shows its markets (Pilot, no real terminal needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from outreach.settings import load_settings
from outreach.tui.app import OutreachApp


async def test_app_lists_the_demo_markets(demo_dir: Path, sqlite_url: str) -> None:
    app = OutreachApp(load_settings(campaign=demo_dir, database_url=sqlite_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.query_one("#markets", DataTable)
        assert table.row_count == 7
        assert table.get_row("es-MX")[:3] == ["es-MX", "Spanish", "Mexico"]
        assert app.sub_title == "Tallyro international launch 2026"


async def test_broken_campaign_is_a_notification(write_campaign: Any, sqlite_url: str) -> None:
    folder = write_campaign("[campaign]\nid = \n")
    app = OutreachApp(load_settings(campaign=folder, database_url=sqlite_url))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [n.title for n in app._notifications] == ["Cannot load"]
        assert app.query_one("#markets", DataTable).row_count == 0
