"""OutreachApp: the team's workspace, one tab per pane, a market switcher, a palette and a help screen."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Header, Label, Select, TabbedContent, TabPane, Tabs
from textual.worker import WorkerFailed

from outreach.core.campaign_file import load_campaign
from outreach.core.store import Store
from outreach.settings import Settings, load_settings
from outreach.tui.commands import OutreachCommands
from outreach.tui.notices import describe, guarded
from outreach.tui.panes import PaneClass
from outreach.tui.panes.dashboard import DashboardPane
from outreach.tui.panes.dedupe import DedupePane
from outreach.tui.panes.imports import ImportPane
from outreach.tui.panes.mailbox import MailboxPane
from outreach.tui.panes.markets import MarketsPane
from outreach.tui.panes.outbox import OutboxPane
from outreach.tui.panes.placements import PlacementsPane
from outreach.tui.panes.planning import PlanningPane
from outreach.tui.panes.prospects import ProspectsPane
from outreach.tui.panes.requests import RequestsPane
from outreach.tui.panes.review import ReviewPane
from outreach.tui.screens.help import HelpScreen, Section, bindings_of
from outreach.tui.workspace import Workspace

log = logging.getLogger("outreach.tui")

PANES: list[PaneClass] = [MarketsPane, ProspectsPane, DedupePane, ImportPane, RequestsPane, ReviewPane,
                          OutboxPane, MailboxPane, PlacementsPane, DashboardPane, PlanningPane]
"""The app's tabs, in order; each is built as `Pane(workspace)` (see outreach.tui.panes)."""

THEMES = ("textual-dark", "textual-light")
"""The dark and the light theme the toggle switches between."""

Command = tuple[str, str, Callable[[], Any]]
"""A palette entry: name, help text, what it does."""


def _pane_keys() -> list[BindingType]:
    """`1`…`9` and `0` show the first ten panes in PANES order (the rest are in the palette)."""
    return [Binding(key, f"show_pane('{pane.PANE_ID}')", pane.PANE_TITLE,
                    id=f"pane.{pane.PANE_ID}", tooltip=f"Show the {pane.PANE_TITLE} pane", show=False)
            for key, pane in zip("1234567890", PANES, strict=False)]


def freeze_startup_objects() -> None:
    """Leave what the app was built from (modules, widgets, styles) out of every later garbage collection.

    They live as long as the app, yet each full collection walked them all, pausing every thread for
    0.2-0.5 s. Once per process: a later app (as in tests) would otherwise freeze its predecessor's garbage.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()


class OutreachApp(App[None]):
    """The outreach workspace; construction is cheap, the campaign and store open after mount."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "outreach"
    COMMANDS = App.COMMANDS | {OutreachCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave outreach"),
        Binding("f1,question_mark", "help", "Help", id="app.help", tooltip="Every pane and key"),
        Binding("m", "choose_market", "Market", id="app.market", tooltip="Switch to another market"),
        Binding("f5", "reload", "Reload", id="app.reload", tooltip="Reload every pane from the store"),
        Binding("t", "toggle_theme", "Theme", id="app.theme", tooltip="Switch between light and dark"),
        *_pane_keys(),
    ]

    def __init__(self, settings: Settings | None = None, *, workspace: Workspace | None = None,
                 panes: Sequence[PaneClass] | None = None, first_pane: str | None = None) -> None:
        super().__init__()
        self._settings = settings
        self.workspace = workspace
        self._pane_types = list(PANES if panes is None else panes)
        self._first_pane = first_pane
        self.market: str | None = None

    def compose(self) -> ComposeResult:
        """Header, the market bar, the tabs (filled once the workspace is open) and the footer."""
        yield Header()
        with Horizontal(id="market-bar"):
            yield Label("market", id="market-label")
        with Vertical(id="pane-host"):
            yield Label("opening the campaign…", id="opening")
        yield Footer()

    def on_mount(self) -> None:
        """Open the workspace in a worker (or show the one given)."""
        self.theme = THEMES[0]
        if self.workspace is not None:
            self.call_later(self._opened, self.workspace)
        else:
            self._open()

    @work(thread=True, exclusive=True, group="app")
    def _open(self) -> None:
        """Read settings and campaign.toml and open the store, off the UI thread."""
        workspace = guarded(self.screen, "Cannot load", self._load_workspace)
        if workspace is not None:
            self.call_from_thread(self.call_later, self._opened, workspace)

    def _load_workspace(self) -> Workspace:
        """Settings, the validated campaign, and the store (migrated) with the campaign registered."""
        settings = self._settings or load_settings()
        campaign = load_campaign(settings.campaign)
        store = Store.open(settings.database_url_or_default(), settings.user, migrate=settings.auto_migrate)
        store.campaign_id(campaign)
        return Workspace(settings, campaign, store)

    async def _opened(self, workspace: Workspace) -> None:
        """Mount the market switcher and the panes."""
        self.workspace = workspace
        self.sub_title = workspace.campaign.campaign.name
        tags = list(workspace.campaign.markets)
        self.market = tags[0] if tags else None
        if tags:
            choices = [(f"{tag}", tag) for tag in tags]
            await self.query_one("#market-bar").mount(
                Select(choices, value=tags[0], allow_blank=False, id="market-select", compact=True))
        tabs = TabbedContent(id="panes", initial=self._first_pane or "")
        for pane_type in self._pane_types:  # all at once, as `with TabbedContent():` in compose does
            tabs.compose_add_child(TabPane(pane_type.PANE_TITLE, pane_type(workspace), id=pane_type.PANE_ID))
        host = self.query_one("#pane-host")
        await host.remove_children()
        await host.mount(tabs)
        if self._first_pane:
            self.call_after_refresh(self._focus_pane, self._first_pane)
        self.call_after_refresh(self._place_underline)
        self._tell_market()
        self.call_after_refresh(freeze_startup_objects)

    def _place_underline(self) -> None:
        """Put the tab underline under the active tab once the tabs have a size."""
        # Mounted all at once, the tabs can be measured after Textual placed the underline (at 0).
        for tabs in self.query(Tabs):
            highlight = getattr(tabs, "_highlight_active", None)
            if callable(highlight):
                highlight(animate=False)

    def panes(self) -> list[Widget]:
        """The mounted panes, in tab order."""
        found: list[Widget] = []
        for tab in self.query(TabPane):
            found.extend(child for child in tab.children if hasattr(child, "PANE_ID"))
        return found

    @on(Select.Changed, "#market-select")
    def _market_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.market:
            self.market = event.value
            self._tell_market()

    def _tell_market(self) -> None:
        """Every pane that works per market shows the chosen one."""
        if self.market is None:
            return
        for pane in self.panes():
            show = getattr(pane, "show_market", None)
            if callable(show):
                show(self.market)

    @on(ProspectsPane.RequestWanted)
    def _request_wanted(self, event: ProspectsPane.RequestWanted) -> None:
        for pane in self.query(RequestsPane):
            pane.use_prospect(event.prospect_id)
        self.action_show_pane(RequestsPane.PANE_ID)

    @on(ImportPane.Imported)
    def _imported(self, event: ImportPane.Imported) -> None:
        """The store has new prospects: every other pane reads it again."""
        for pane in self.panes():
            reload = getattr(pane, "reload", None)
            if callable(reload) and not isinstance(pane, ImportPane):
                reload()

    def action_show_pane(self, pane_id: str) -> None:
        """Bring a pane to the front."""
        tabs = self.query_one("#panes", TabbedContent)
        if tabs.query(f"TabPane#{pane_id}"):
            tabs.active = pane_id
            self.call_after_refresh(self._focus_pane, pane_id)

    @on(TabbedContent.TabActivated, "#panes")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self.call_after_refresh(self._focus_pane, event.pane.id)

    def _focus_pane(self, pane_id: str) -> None:
        """Put the focus in the pane, so its keys work at once."""
        for tab in self.query(f"TabPane#{pane_id}"):
            if self.focused is not None and tab in self.focused.ancestors:
                continue
            panes = [child for child in tab.children if hasattr(child, "PANE_ID")]
            preferred = getattr(panes[0], "FOCUS", None) if panes else None
            focusable = [widget for widget in tab.query(preferred or "*") if widget.focusable]
            if focusable:
                focusable[0].focus()

    def action_set_market(self, tag: str) -> None:
        """Switch every pane to a market."""
        selects = self.query("#market-select").results(Select)
        for select in selects:
            select.value = tag

    def action_choose_market(self) -> None:
        """Open the market switcher."""
        for select in self.query("#market-select").results(Select):
            select.focus()
            select.expanded = True

    def action_reload(self) -> None:
        """Reload every pane."""
        for pane in self.panes():
            reload = getattr(pane, "reload", None)
            if callable(reload):
                reload()

    def action_toggle_theme(self) -> None:
        """Light if dark, dark if light."""
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    def action_help(self) -> None:
        """Open the help screen."""
        sections: list[Section] = [("everywhere", bindings_of(self.BINDINGS))]
        for pane in self.panes():
            sections.append((str(getattr(pane, "PANE_TITLE", "")), bindings_of(pane.BINDINGS)))
        titles = [(pane.PANE_ID, pane.PANE_TITLE) for pane in self._pane_types]
        self.push_screen(HelpScreen(titles, sections))

    def palette_commands(self) -> list[Command]:
        """Every action for the command palette: panes, markets, app actions and each pane's keys."""
        commands: list[Command] = [(f"Show {pane.PANE_TITLE}", f"Go to the {pane.PANE_TITLE} pane",
                                    _bound(self.action_show_pane, pane.PANE_ID)) for pane in self._pane_types]
        if self.workspace is not None:
            commands += [(f"Market {tag}", f"Show {tag} in every pane", _bound(self.action_set_market, tag))
                         for tag in self.workspace.campaign.markets]
        commands += [("Reload everything", "Read the store again in every pane", self.action_reload),
                     ("Toggle light/dark theme", "Switch the colour theme", self.action_toggle_theme),
                     ("Help: keys and panes", "Every key binding, with what it does", self.action_help),
                     ("Quit", "Leave outreach", self.exit)]
        for pane in self.panes():
            title = str(getattr(pane, "PANE_TITLE", ""))
            for binding in bindings_of(pane.BINDINGS):
                commands.append((f"{title}: {binding.description}", binding.tooltip,
                                 _pane_action(self, pane, binding.action)))
        return commands

    def _handle_exception(self, error: Exception) -> None:
        """A worker's unexpected error becomes a notification and a log line; anything else exits."""
        # Textual exits (printing a traceback) on a worker's unhandled error; people need the app alive.
        if isinstance(error, WorkerFailed):
            log.error("worker failed", exc_info=error.error)
            self.notify(describe(error.error), title="Something went wrong", severity="error")
            return
        super()._handle_exception(error)


def _bound(action: Callable[[str], None], value: str) -> Callable[[], None]:
    """An action with its argument fixed."""
    return lambda: action(value)


def _pane_action(app: OutreachApp, pane: Widget, action: str) -> Callable[[], Any]:
    """Show the pane, then run one of its actions."""

    async def run() -> None:
        app.action_show_pane(str(getattr(pane, "PANE_ID", "")))
        await pane.run_action(action)

    return run


def make_app(settings: Settings | None = None, *, workspace: Workspace | None = None,
             panes: Sequence[PaneClass] | None = None, first_pane: str | None = None) -> OutreachApp:
    """Build the app without touching the campaign or the store (that happens after mount)."""
    return OutreachApp(settings, workspace=workspace, panes=panes, first_pane=first_pane)
