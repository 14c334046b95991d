"""OutreachApp: the terminal workspace (a market overview until the app issue lands)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header

from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.markets import MarketSummary, summarise
from outreach.errors import OutreachError
from outreach.settings import Settings, load_settings


class OutreachApp(App[None]):
    """The outreach workspace; construction is cheap, loading happens after mount."""

    CSS_PATH = "app.tcss"
    TITLE = "outreach"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave outreach"),
        Binding("r", "reload", "Reload", id="reload", tooltip="Read campaign.toml again"),
    ]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self._settings = settings

    def compose(self) -> ComposeResult:
        """A header, the markets table and the footer."""
        yield Header()
        yield DataTable(id="markets", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        """Set up the table's columns and load the campaign in a worker."""
        table = self.query_one("#markets", DataTable)
        table.add_columns("market", "language", "country", "time zone", "hours", "pages", "problems")
        self.action_reload()

    def action_reload(self) -> None:
        """Load (or reload) the campaign in the background."""
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        """Read settings and campaign.toml off the UI thread."""
        try:
            settings = self._settings or load_settings()
            campaign = load_campaign(settings.campaign)
            summaries = summarise(campaign)
        except OutreachError as exc:
            self.call_from_thread(self.notify, str(exc), title="Cannot load", severity="error")
            return
        self.call_from_thread(self._show, campaign, summaries)

    def _show(self, campaign: Campaign, summaries: list[MarketSummary]) -> None:
        """Fill the markets table."""
        self.sub_title = campaign.campaign.name
        table = self.query_one("#markets", DataTable)
        table.clear()
        for summary in summaries:
            table.add_row(summary.tag, summary.language_name, summary.country_name,
                          summary.timezone, ", ".join(summary.business_hours),
                          str(len(summary.pages)), str(len(summary.problems)), key=summary.tag)
