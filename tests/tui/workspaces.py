"""Demo workspaces for the app's tests: the bundled campaign in a fresh store, with some markets imported."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from outreach.core import review
from outreach.core.campaign_file import load_campaign
from outreach.core.previews import message_names
from outreach.core.prospects import ImportOptions, import_file
from outreach.core.store import Store
from outreach.core.templates import Renderer
from outreach.settings import load_settings
from outreach.tui.workspace import Workspace


def demo_workspace(demo_dir: Path, url: str, markets: Sequence[str] = ("es-MX",), *,
                   approve: Sequence[str] = ()) -> Workspace:
    """The demo campaign, its prospect files for `markets` imported, `approve` markets' messages approved."""
    settings = load_settings(campaign=demo_dir, database_url=url, user="maria")
    campaign = load_campaign(demo_dir)
    store = Store.open(url, "maria")
    campaign_id = store.campaign_id(campaign)
    with store.transaction() as session:
        for tag in markets:
            import_file(session, campaign, campaign_id, demo_dir / "prospects" / f"{tag}.csv",
                        ImportOptions(tag), "maria")
        renderer = Renderer(campaign)
        for tag in approve:
            for template in ("subject", *message_names(renderer, tag)):
                review.approve(session, renderer, tag, template, "Lucía Romero")
    return Workspace(settings, campaign, store)


async def settle(pilot: Pilot[Any], rounds: int = 6) -> None:
    """Let debounce timers fire, workers finish and the screen catch up (workers may start workers)."""
    app: App[Any] = pilot.app
    for _ in range(2):  # a debounce timer may start a worker whose result starts another timer
        await pilot.pause(0.3)
        with suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
    for _ in range(rounds):
        with suppress(WorkerCancelled):  # an exclusive worker replaced by a newer one
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return


def titles(app: App[Any]) -> list[str]:
    """Titles of the notifications shown so far."""
    return [note.title for note in app._notifications]


def messages(app: App[Any]) -> list[str]:
    """Messages of the notifications shown so far."""
    return [note.message for note in app._notifications]
