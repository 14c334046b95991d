"""The placements pane: the placement log with each link's latest check, and `verify` in a worker."""

from __future__ import annotations

import threading
from typing import ClassVar

from sqlalchemy.exc import SQLAlchemyError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, ProgressBar, Static

from outreach.core.linkcheck import VerifySummary, verify
from outreach.core.placement_list import PlacementView, list_placements
from outreach.core.report_render import short_page
from outreach.errors import OutreachError
from outreach.tui.panes.pane_tools import failure_message, fixed_columns
from outreach.tui.workspace import Workspace

COLUMNS = (("id", 4), ("market", 6), ("found", 10), ("source", 30), ("page", 18), ("anchor", 18),
           ("class", 9), ("rel", 9), ("status", 6), ("check", 19))
"""Columns of the placements table and their widths."""
SHOWN = 1000
"""Newest placements shown; the rest are counted, not drawn."""


class PlacementsPane(Widget):
    """Placements of one market (or all) with their link-check status; `v` checks the links."""

    DEFAULT_CSS = """
    PlacementsPane { height: 1fr; }
    PlacementsPane #placements-bar { height: 1; }
    PlacementsPane #placements-summary { width: 1fr; }
    PlacementsPane #placements-progress { width: 40; display: none; }
    PlacementsPane #placements-progress.running { display: block; }
    PlacementsPane DataTable { height: 1fr; }
    """
    PANE_ID = "placements"
    PANE_TITLE = "Placements"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload", id="placements.reload",
                tooltip="Read the placement log again"),
        Binding("v", "verify", "Verify links", id="placements.verify",
                tooltip="Fetch each source page and check its link (outreach verify)"),
        Binding("x", "cancel_verify", "Cancel verify", id="placements.cancel",
                tooltip="Stop the running link check; pages already checked are kept"),
    ]

    def __init__(self, workspace: Workspace, *, market: str | None = None) -> None:
        super().__init__(id="placements-pane")
        self.workspace = workspace
        self.market = market
        self.views: list[PlacementView] = []
        self._cancel: threading.Event | None = None

    def compose(self) -> ComposeResult:
        """A summary line with the verify progress, then the table."""
        with Horizontal(id="placements-bar"):
            yield Static("loading…", id="placements-summary")
            yield ProgressBar(id="placements-progress", show_eta=False)
        yield DataTable(id="placements-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Set fixed-width columns, then load."""
        fixed_columns(self, {"#placements-table": COLUMNS})
        self.reload()

    def reload(self) -> None:
        """Read the placements off the UI thread."""
        self._load()

    def show_market(self, tag: str | None) -> None:
        """Show one market's placements (None: every market)."""
        self.market = self.workspace.campaign.market(tag).tag if tag else None
        self.reload()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    @work(thread=True, exclusive=True, group="placements-load")
    def _load(self) -> None:
        """List placements with their latest checks."""
        workspace = self.workspace
        try:
            with workspace.store.transaction() as session:
                campaign_id = workspace.store.campaign_id(workspace.campaign)
                views = list_placements(session, campaign_id, self.market)
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._error, "Cannot list placements", exc)
            return
        self.app.call_from_thread(self._show, views)

    def _error(self, title: str, exc: OutreachError | SQLAlchemyError) -> None:
        """An error as a notification, never a traceback."""
        self.notify(failure_message(exc), title=title, severity="error")

    def _show(self, views: list[PlacementView]) -> None:
        """Fill the table (newest first, at most SHOWN rows) and the summary line."""
        self.views = views
        table = self.query_one("#placements-table", DataTable)
        table.clear()
        for view in views[:SHOWN]:
            row = view.placement
            table.add_row(str(row.id), row.market, row.found_on.isoformat(), row.source_url,
                          short_page(row.page_url), row.anchor, row.anchor_class, row.rel, row.status,
                          view.check or "not checked", key=str(row.id))
        live = sum(view.placement.status == "live" for view in views)
        problems = sum(view.check not in (None, "ok") for view in views)
        scope = self.market or "all markets"
        more = f"; showing the newest {SHOWN}" if len(views) > SHOWN else ""
        self.query_one("#placements-summary", Static).update(
            f"{scope}: {len(views)} placements, {live} live, {problems} with a check problem{more}")

    def action_verify(self) -> None:
        """Start a link check of the shown market unless one is running."""
        if self._cancel is not None:
            self.notify("a link check is already running", title="Verify")
            return
        self._cancel = threading.Event()
        progress = self.query_one("#placements-progress", ProgressBar)
        progress.update(total=None, progress=0)
        progress.add_class("running")
        self._verify(self._cancel)

    def action_cancel_verify(self) -> None:
        """Ask the running link check to stop after the pages in flight."""
        if self._cancel is not None:
            self._cancel.set()

    @work(thread=True, exclusive=True, group="placements-verify")
    def _verify(self, cancel: threading.Event) -> None:
        """Run `verify` in this worker thread; progress goes to the bar."""
        workspace = self.workspace

        def step(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            summary = verify(workspace.store, workspace.campaign, campaign_id, self.market, progress=step,
                             cancel=cancel)
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._verified, None, exc)
            return
        self.app.call_from_thread(self._verified, summary, None)

    def _progress(self, done: int, total: int) -> None:
        """Move the progress bar."""
        self.query_one("#placements-progress", ProgressBar).update(total=total, progress=done)

    def _verified(self, summary: VerifySummary | None, error: OutreachError | SQLAlchemyError | None) -> None:
        """Report the check's outcome and show the new statuses."""
        self._cancel = None
        self.query_one("#placements-progress", ProgressBar).remove_class("running")
        if summary is None:
            self._error("Verify failed", error or OutreachError("unknown"))
            return
        stopped = f"; cancelled, {summary.skipped} not checked" if summary.skipped else ""
        paced = f"; {summary.pace_line()}" if summary.paced or summary.refused else ""
        changes = f"{len(summary.changes)} change(s)"
        self.notify(f"checked {summary.checked}: {summary.status_line()}; {changes}{stopped}{paced}",
                    title="Verify", markup=False)
        self.reload()
