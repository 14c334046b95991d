"""The markets overview: every market's names, time zone, hours, pages, problems and prospects."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable

from outreach.core.markets import MarketSummary, summarise
from outreach.core.prospects import count_prospects
from outreach.tui.notices import guarded
from outreach.tui.panes.pane_tools import fixed_columns
from outreach.tui.workspace import Workspace

COLUMNS = (("market", 6), ("language", 10), ("country", 14), ("prospects", 9), ("pages", 5),
           ("problems", 8), ("time zone", 20), ("hours", 24))
"""Columns and their widths (fixed, so the layout does not jump as rows arrive)."""


class MarketsPane(Widget):
    """One row per market; the highlighted row follows the app's market."""

    PANE_ID = "markets"
    PANE_TITLE = "Markets"
    FOCUS = "#market-table"
    """What has the focus when the pane is shown."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload markets", id="markets.reload",
                tooltip="Read campaign.toml and count prospects again"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="markets-pane")
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        """The markets table."""
        yield DataTable(id="market-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns first, rows from a worker."""
        fixed_columns(self, {"#market-table": COLUMNS})
        self.reload()

    def reload(self) -> None:
        """Summarise the markets off the UI thread."""
        self._load()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    @work(thread=True, exclusive=True, group="markets")
    def _load(self) -> None:
        """Summaries from campaign.toml, prospect counts from the store."""
        result = guarded(self, "Cannot list markets", self._summaries)
        if result is not None:
            self.app.call_from_thread(self._show, *result)

    def _summaries(self) -> tuple[list[MarketSummary], dict[str, int]]:
        """Each market's summary and prospect count."""
        workspace = self.workspace
        campaign_id = workspace.store.campaign_id(workspace.campaign)
        with workspace.store.transaction() as session:
            counts = {tag: count_prospects(session, campaign_id, tag) for tag in workspace.campaign.markets}
        return summarise(workspace.campaign), counts

    def _show(self, summaries: list[MarketSummary], counts: dict[str, int]) -> None:
        """Fill the table."""
        table = self.query_one("#market-table", DataTable)
        table.clear()
        for summary in summaries:
            table.add_row(summary.tag, summary.language_name, summary.country_name,
                          f"{counts.get(summary.tag, 0):,}", str(len(summary.pages)),
                          str(len(summary.problems)), summary.timezone, ", ".join(summary.business_hours),
                          key=summary.tag)

    def show_market(self, tag: str) -> None:
        """Move the cursor to the market's row."""
        table = self.query_one("#market-table", DataTable)
        if tag in {key.value for key in table.rows}:
            table.move_cursor(row=table.get_row_index(tag))
