"""The PR lead's planning pane: ranked markets, thresholds, competitor mix and ramp progress."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Sparkline, Static

from outreach.core.plan_export import mix_rows, ramp_rows, threshold_rows
from outreach.core.plan_report import MarketPlan, PlanReport, gather
from outreach.errors import OutreachError
from outreach.tui.panes.pane_tools import failure_message, fixed_columns
from outreach.tui.workspace import Workspace

COLUMNS = {
    "#plan-ranking": (("#", 2), ("market", 6), ("role", 6), ("score", 5), ("volume", 6), ("difficulty", 10),
                      ("ecosystem", 9), ("resources", 9)),
    "#plan-thresholds": (("metric", 7), ("now", 5), ("suggested", 9), ("why", 70)),
    "#plan-mix": (("page", 48), ("rule", 12), ("ours", 12), ("competitors", 11), ("suggestion", 44)),
    "#plan-ramp": (("page", 48), ("period", 12), ("local", 5), ("global", 6), ("anchors", 34), ("live", 20)),
}
"""Columns of each table and their widths."""


class PlanningPane(Widget):
    """Ranked markets on top; the highlighted market's thresholds, mix, ramp and review below."""

    DEFAULT_CSS = """
    PlanningPane { height: 1fr; }
    PlanningPane DataTable { height: auto; max-height: 12; }
    PlanningPane .pane-heading { text-style: bold; margin-top: 1; }
    PlanningPane #plan-threshold-row { height: auto; }
    PlanningPane #plan-thresholds { width: 2fr; }
    PlanningPane #plan-distribution { width: 1fr; height: auto; padding: 0 1; }
    PlanningPane #plan-histogram { height: 3; }
    """
    PANE_ID = "planning"
    PANE_TITLE = "Planning"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload plan", id="planning.reload",
                tooltip="Recompute rankings, suggestions and progress from the store"),
    ]

    def __init__(self, workspace: Workspace, *, today: date | None = None) -> None:
        super().__init__(id="planning-pane")
        self.workspace = workspace
        self._today = today
        self.report: PlanReport | None = None

    def compose(self) -> ComposeResult:
        """The ranking table, then the details of one market."""
        with VerticalScroll():
            yield Static("Market priorities", classes="pane-heading")
            yield DataTable(id="plan-ranking", cursor_type="row", zebra_stripes=True)
            yield Static("", id="plan-sequence")
            yield Static("", id="plan-review")
            with Horizontal(id="plan-threshold-row"):
                yield DataTable(id="plan-thresholds", cursor_type="row")
                with Vertical(id="plan-distribution"):
                    yield Static("", id="plan-distribution-label")
                    yield Sparkline([], id="plan-histogram")
            yield Static("Local/global mix: ours and the competitors'", classes="pane-heading")
            yield DataTable(id="plan-mix", cursor_type="row")
            yield Static("", id="plan-ramp-heading", classes="pane-heading")
            yield DataTable(id="plan-ramp", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Set the columns, then load in a worker."""
        fixed_columns(self, COLUMNS)
        self.reload()

    def reload(self) -> None:
        """Recompute the plan off the UI thread."""
        self._load()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    @work(thread=True, exclusive=True, group="planning")
    def _load(self) -> None:
        """Gather the plan in a transaction; errors become a notification."""
        workspace = self.workspace
        try:
            with workspace.store.transaction() as session:
                campaign_id = workspace.store.campaign_id(workspace.campaign)
                report = gather(session, workspace.campaign, campaign_id, self._today or date.today())
        except (OutreachError, SQLAlchemyError) as exc:
            message = failure_message(exc)
            self.app.call_from_thread(self.notify, message, title="Cannot plan", severity="error")
            return
        self.app.call_from_thread(self._show, report)

    def _show(self, report: PlanReport) -> None:
        """Fill the ranking and show the first market's details."""
        self.report = report
        table = self.query_one("#plan-ranking", DataTable)
        table.clear()
        for item in report.ranked:
            scores = {score.criterion: score for score in item.scores}
            table.add_row(str(item.rank), item.tag, item.role, f"{item.total:.2f}",
                          *(f"{scores[name].score:.2f}" for name in
                            ("volume", "competitiveness", "ecosystem", "resources")), key=item.tag)
        sequence = ", then ".join(f"{item.role} {item.tag}" for item in report.ranked)
        self.query_one("#plan-sequence", Static).update(f"Launch sequence: {sequence}")
        if report.markets:
            self.show_market(report.ranked[0].tag)

    @on(DataTable.RowHighlighted, "#plan-ranking")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_market(str(event.row_key.value))

    def show_market(self, tag: str) -> None:
        """Show one market's review, thresholds, mix and ramp."""
        plan = next((item for item in self.report.markets if item.tag == tag), None) if self.report else None
        if plan is None:
            return
        self.query_one("#plan-review", Static).update(Text(f"{tag}: {plan.review.action}: {plan.review.why}"))
        self._fill("#plan-thresholds", threshold_rows(plan))
        self._fill("#plan-mix", mix_rows(plan))
        state = "accepted" if plan.accepted else "proposed"
        self.query_one("#plan-ramp-heading", Static).update(Text(f"Ramp of {tag} ({state}): {plan.ramp.why}"))
        self._fill("#plan-ramp", ramp_rows(plan))
        self._distribution(plan)

    def _fill(self, selector: str, rows: list[list[object]]) -> None:
        """Replace a table's rows; cells are plain text, so a bracket in a page or domain is not markup."""
        table = self.query_one(selector, DataTable)
        table.clear()
        for row in rows:
            table.add_row(*(Text(str(cell)) for cell in row))

    def _distribution(self, plan: MarketPlan) -> None:
        """The first metric's histogram as a sparkline, with its quartiles."""
        shown = next((item for item in plan.thresholds if item.distribution), None)
        label = self.query_one("#plan-distribution-label", Static)
        line = self.query_one("#plan-histogram", Sparkline)
        if shown is None or shown.distribution is None:
            label.update("no metrics yet")
            line.data = []
            return
        spread = shown.distribution
        label.update(f"{shown.metric}: {spread.minimum:g}–{spread.maximum:g}, median {spread.median:g} "
                     f"(n={spread.count})")
        line.data = [float(count) for *_, count in spread.bins]
