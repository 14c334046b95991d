"""Dedupe review: a market's clusters with their score and matched fields, members side by side, merge."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, Label, ProgressBar

from outreach.core.prospect_dedupe import DedupeView, DuplicateCluster, find_duplicates
from outreach.core.prospect_merge import cluster_members, merge_prospects
from outreach.tui.notices import guarded
from outreach.tui.workspace import Workspace

FIELDS = ("id", "domain", "host", "outlet", "contact_name", "email")
"""Rows of the side-by-side comparison, one column per member."""


class DedupePane(Widget):
    """Find a market's duplicates (in a worker, cancellable), compare a cluster, merge it."""

    PANE_ID = "dedupe"
    PANE_TITLE = "Dedupe"
    FOCUS = "#dedupe-clusters"
    """What has the focus when the pane is shown."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "find", "Find duplicates", id="dedupe.find",
                tooltip="Cluster the market's prospects again (runs in the background)"),
        Binding("g", "merge", "Merge", id="dedupe.merge",
                tooltip="Merge the highlighted cluster into its richest record, keeping history"),
        Binding("escape", "cancel", "Cancel", id="dedupe.cancel", tooltip="Stop a running search"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="dedupe-pane")
        self.workspace = workspace
        self.market = next(iter(workspace.campaign.markets), "")
        self.view: DedupeView | None = None
        self._stop = threading.Event()
        self.running = False

    def compose(self) -> ComposeResult:
        """Status and progress, the clusters, and the highlighted cluster side by side."""
        with Horizontal(classes="pane-bar"):
            yield Label("press d to find duplicates", id="dedupe-status")
            yield ProgressBar(total=1, id="dedupe-progress", show_eta=False, show_percentage=False)
        yield DataTable(id="dedupe-clusters", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="dedupe-members", cursor_type="none")

    def on_mount(self) -> None:
        """Columns; the search waits for a key (it rewrites the market's clusters)."""
        clusters = self.query_one("#dedupe-clusters", DataTable)
        for label, width in (("cluster", 7), ("size", 4), ("score", 6), ("matched fields", 40)):
            clusters.add_column(label, width=width)

    def show_market(self, tag: str) -> None:
        """Switch market; its clusters are found on request."""
        if tag != self.market:
            self.market = tag
            self.view = None
            self.query_one("#dedupe-clusters", DataTable).clear()
            self.query_one("#dedupe-members", DataTable).clear(columns=True)
            self.query_one("#dedupe-status", Label).update(f"{tag}: press d to find duplicates")

    def reload(self) -> None:
        """Find the clusters again, if they were shown."""
        if self.view is not None:
            self.action_find()

    def action_find(self) -> None:
        """Start the search in a worker."""
        if self.running:
            return
        self.running = True
        self._stop.clear()
        self._find(self.market)

    def action_cancel(self) -> None:
        """Stop the running search at its next phase."""
        if self.running:
            self._stop.set()

    @work(thread=True, exclusive=True, group="dedupe")
    def _find(self, market: str) -> None:
        """Cluster the market in one transaction; a cancel rolls the stored clusters back."""
        workspace = self.workspace

        def progress(phase: str, done: int, total: int) -> bool:
            self.app.call_from_thread(self._progress, phase, done, total)
            return not self._stop.is_set()

        def run() -> DedupeView:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                return find_duplicates(session, campaign_id, market, progress=progress)

        self.app.call_from_thread(self._show, guarded(self, "Dedupe", run))

    def _progress(self, phase: str, done: int, total: int) -> None:
        """Name the phase and move the bar."""
        self.query_one("#dedupe-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#dedupe-status", Label).update(f"{self.market}: {phase}…")

    def _show(self, view: DedupeView | None) -> None:
        """List the clusters."""
        self.running = False
        self.query_one("#dedupe-progress", ProgressBar).update(total=1, progress=1 if view else 0)
        status = self.query_one("#dedupe-status", Label)
        if view is None:
            status.update(f"{self.market}: nothing changed")
            return
        self.view = view
        status.update(f"{self.market}: {len(view.clusters)} cluster(s) among {view.prospects:,} prospects "
                      f"(threshold {view.threshold:.2f})")
        table = self.query_one("#dedupe-clusters", DataTable)
        table.clear()
        for found in view.clusters:
            table.add_row(str(found.id), str(len(found.members)), f"{found.score:.2f}",
                          ", ".join(found.matched_fields), key=str(found.id))
        if view.clusters:
            self._compare(view.clusters[0])

    @on(DataTable.RowHighlighted, "#dedupe-clusters")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        chosen = self._cluster(event.row_key.value)
        if chosen is not None:
            self._compare(chosen)

    def _cluster(self, key: Any) -> DuplicateCluster | None:
        """The shown cluster with this id."""
        clusters = self.view.clusters if self.view else []
        return next((found for found in clusters if str(found.id) == str(key)), None)

    def _compare(self, found: DuplicateCluster) -> None:
        """The members as columns, their fields as rows; matched fields marked."""
        table = self.query_one("#dedupe-members", DataTable)
        table.clear(columns=True)
        table.add_column("field", width=14)
        for member in found.members:
            table.add_column(f"#{member['id']}", width=28)
        for name in FIELDS:
            mark = " ✓" if any(name.startswith(field) for field in found.matched_fields) else ""
            table.add_row(f"{name}{mark}", *(str(member.get(name) or "") for member in found.members))

    def action_merge(self) -> None:
        """Merge the highlighted cluster."""
        table = self.query_one("#dedupe-clusters", DataTable)
        if not table.row_count or self.running:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self._merge(int(key))

    @work(thread=True, exclusive=True, group="dedupe")
    def _merge(self, cluster: int) -> None:
        """Merge in one transaction; history moves to the survivor."""
        workspace, market = self.workspace, self.market

        def run() -> int:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                ids = cluster_members(session, campaign_id, market, cluster)
                return merge_prospects(session, campaign_id, workspace.campaign.market(market), ids,
                                       workspace.store.actor)

        survivor = guarded(self, "Cannot merge", run)
        if survivor is not None:
            self.app.call_from_thread(self.notify, f"cluster {cluster} merged into prospect #{survivor}",
                                      title="Merged")
            self.app.call_from_thread(self.action_find)
