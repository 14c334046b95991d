"""Checks every pane test repeats: wait until loaded, and a broken store shown as a notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App

from outreach.tui.workspace import Workspace


async def loaded(pilot: Any) -> None:
    """Wait for the pane's workers and the repaint after them."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def titles_with_broken_store(workspace: Workspace, database: Path, host: type[App[None]]) -> list[str]:
    """Notification titles a host app shows when its SQLite file turns out not to be a database."""
    workspace.store.engine.dispose()
    database.write_bytes(b"not a database")
    app = host(workspace)  # type: ignore[call-arg]
    async with app.run_test() as pilot:
        await loaded(pilot)
        return [note.title for note in app._notifications]
