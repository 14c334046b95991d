"""The PR lead's dashboard: per market and URL version, plan against actual, drawn as bars and sparklines.

Everything comes from `core.reports` (what `outreach report` prints) and `core.headroom` (what
`outreach plan` prints), so the dashboard and the client report never disagree.
"""

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

from outreach.core.headroom import MarketRoom
from outreach.core.report_render import locality_verdict, percent, short_page
from outreach.core.reports import MarketReport, Report, VersionReport, gather_report
from outreach.errors import OutreachError
from outreach.tui.panes.pane_tools import failure_message, fixed_columns
from outreach.tui.workspace import Workspace

BAR = 24
"""Width of a bar in cells."""
VERSION_COLUMNS = (("page", 30), ("live", 5), ("lost", 5), ("local", 6), ("plan", 10), ("verdict", 12))


def bar(share: float | None, plan: float | None = None, width: int = BAR) -> Text:
    """A share as a bar of `width` cells, with a ┃ where the plan is."""
    filled = round((share or 0.0) * width)
    cells = ["█" if index < filled else "░" for index in range(width)]
    if plan is not None:
        cells[min(width - 1, round(plan * width))] = "┃"
    text = Text()
    for cell in cells:
        text.append(cell, style="bold red" if cell == "┃" else ("green" if cell == "█" else "grey50"))
    return text


def anchor_lines(version: VersionReport) -> Text:
    """Each anchor class: bar, share and plan."""
    text = Text(f"Anchor classes ({version.anchor_plan}; ┃ = plan)\n", style="bold")
    for item in version.anchors:
        text.append(f"{item.anchor_class:<10}")
        text.append_text(bar(item.share, item.planned))
        text.append(f" {percent(item.share):>4} of {version.live}, plan {percent(item.planned)}\n")
    return text


def locality_lines(version: VersionReport) -> Text:
    """Local share against the planned band."""
    low, high = version.band
    text = Text(f"Local sources ({version.band_name}: {low:.0%}–{high:.0%})\n", style="bold")
    text.append(f"{'local':<10}")
    text.append_text(bar(version.local_share, low))
    text.append(f" {percent(version.local_share):>4}  {locality_verdict(version)}\n")
    counts = ", ".join(f"{name} {count}" for name, count in sorted(version.localities.items())) or "no links"
    text.append(f"{'':<10}{counts}\n")
    return text


def funnel_lines(market: MarketReport) -> Text:
    """Prospects → pitched → replied → won as bars."""
    text = Text("Pipeline funnel\n", style="bold")
    total = market.funnel.prospects
    for step, count in (("prospects", total), ("pitched", market.funnel.pitched),
                        ("replied", market.funnel.replied), ("won", market.funnel.won)):
        text.append(f"{step:<10}")
        text.append_text(bar(count / total if total else 0.0))
        text.append(f" {count}\n")
    return text


def room_lines(room: MarketRoom | None) -> Text:
    """What `outreach plan` says the market can still take."""
    if room is None:
        return Text("")
    text = Text(f"Headroom: {room.week} more link(s) this week, {room.month} this month\n", style="bold")
    for line in room.limits:
        text.append(f"  {line}\n")
    return text


class DashboardPane(Widget):
    """One market at a time: its URL versions, then the highlighted version's mix against plan."""

    DEFAULT_CSS = """
    DashboardPane { height: 1fr; }
    DashboardPane #dash-title { text-style: bold; }
    DashboardPane DataTable { height: auto; max-height: 8; }
    DashboardPane #dash-mix, DashboardPane #dash-bottom { height: auto; }
    DashboardPane #dash-mix > Static, DashboardPane #dash-bottom > Static { width: 1fr; height: auto;
        padding-right: 2; }
    DashboardPane #dash-velocity { height: 3; }
    DashboardPane #dash-version-side { width: 1fr; height: auto; }
    DashboardPane #dash-version-velocity { height: 2; width: 40; }
    DashboardPane .dash-block { height: auto; margin-top: 1; }
    """
    PANE_ID = "dashboard"
    PANE_TITLE = "Dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload", id="dashboard.reload",
                tooltip="Recompute the report and the headroom from the store"),
        Binding("right_square_bracket", "next_market", "Next market", id="dashboard.next_market",
                tooltip="Show the next market (by priority)"),
        Binding("left_square_bracket", "previous_market", "Previous market", id="dashboard.previous_market",
                tooltip="Show the previous market (by priority)"),
    ]

    def __init__(self, workspace: Workspace, *, today: date | None = None, market: str | None = None) -> None:
        super().__init__(id="dashboard-pane")
        self.workspace = workspace
        self._today = today
        self.market = market
        self.report: Report | None = None
        self.version: str | None = None

    def compose(self) -> ComposeResult:
        """Title, versions table, mix bars, velocity sparkline, funnel and headroom."""
        with VerticalScroll():
            yield Static("loading…", id="dash-title")
            yield DataTable(id="dash-versions", cursor_type="row")
            with Horizontal(id="dash-mix"):
                yield Static("", id="dash-anchors")
                with Vertical(id="dash-version-side"):
                    yield Static("", id="dash-locality")
                    yield Static("", id="dash-version-velocity-label")
                    yield Sparkline([], id="dash-version-velocity")
            with Vertical(classes="dash-block"):
                yield Static("", id="dash-velocity-label")
                yield Sparkline([], id="dash-velocity")
            with Horizontal(id="dash-bottom", classes="dash-block"):
                yield Static("", id="dash-funnel")
                yield Static("", id="dash-room")

    def on_mount(self) -> None:
        """Columns, then load."""
        fixed_columns(self, {"#dash-versions": VERSION_COLUMNS})
        self.reload()

    def reload(self) -> None:
        """Gather the report off the UI thread."""
        self._load()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self) -> None:
        """The report of every market, with headroom."""
        workspace = self.workspace
        try:
            with workspace.store.transaction() as session:
                campaign_id = workspace.store.campaign_id(workspace.campaign)
                report = gather_report(session, workspace.campaign, campaign_id, self._today or date.today(),
                                       headroom=True)
        except (OutreachError, SQLAlchemyError) as exc:
            message = failure_message(exc)
            self.app.call_from_thread(self.notify, message, title="Cannot build the dashboard",
                                      severity="error")
            return
        self.app.call_from_thread(self._loaded, report)

    def _loaded(self, report: Report) -> None:
        """Keep the report and show the chosen (or first) market."""
        self.report = report
        tags = [market.tag for market in report.markets]
        self.show_market(self.market if self.market in tags else (tags[0] if tags else None))

    def _current(self) -> MarketReport | None:
        """The shown market's report."""
        if self.report is None:
            return None
        return next((market for market in self.report.markets if market.tag == self.market), None)

    def show_market(self, tag: str | None) -> None:
        """Show one market: its versions, the first version's mix, velocity, funnel and headroom."""
        self.market = tag
        market = self._current()
        if market is None:
            return
        live = sum(version.live for version in market.versions)
        self.query_one("#dash-title", Static).update(
            f"{market.tag}: {live} live links on {len(market.versions)} URL version(s)  ([ ] change market)")
        table = self.query_one("#dash-versions", DataTable)
        table.clear()
        for version in market.versions:
            table.add_row(short_page(version.url), str(version.live), str(version.lost),
                          percent(version.local_share), f"{version.band[0]:.0%}–{version.band[1]:.0%}",
                          locality_verdict(version), key=version.url)
        self.query_one("#dash-velocity-label", Static).update(
            f"New links per month, {market.months[0]} to {market.months[-1]}: "
            f"{', '.join(str(count) for count in market.monthly)} (cap {market.cap_30d} per 30 days)")
        self.query_one("#dash-velocity", Sparkline).data = [float(count) for count in market.monthly]
        self.query_one("#dash-funnel", Static).update(funnel_lines(market))
        self.query_one("#dash-room", Static).update(room_lines(market.room))
        if market.versions:
            self.show_version(market.versions[0].url)

    def show_version(self, url: str) -> None:
        """Show one URL version's anchor and locality bars against the plan."""
        market = self._current()
        version = next((item for item in market.versions if item.url == url), None) if market else None
        if version is None:
            return
        self.version = url
        self.query_one("#dash-anchors", Static).update(anchor_lines(version))
        self.query_one("#dash-locality", Static).update(locality_lines(version))
        self.query_one("#dash-version-velocity-label", Static).update(
            f"New links per month on this version: {sum(version.monthly)} in 12 months")
        self.query_one("#dash-version-velocity", Sparkline).data = [float(count) for count in version.monthly]

    @on(DataTable.RowHighlighted, "#dash-versions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_version(str(event.row_key.value))

    def _step_market(self, step: int) -> None:
        """Show the market `step` places away in priority order."""
        if self.report is None or not self.report.markets:
            return
        tags = [market.tag for market in self.report.markets]
        index = tags.index(self.market) if self.market in tags else 0
        self.show_market(tags[(index + step) % len(tags)])

    def action_next_market(self) -> None:
        """Key binding: next market."""
        self._step_market(+1)

    def action_previous_market(self) -> None:
        """Key binding: previous market."""
        self._step_market(-1)
