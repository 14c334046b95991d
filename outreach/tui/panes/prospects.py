"""A market's prospect table: filtered as you type, sorted by column, paged by keyset, edited in place."""

from __future__ import annotations

import time
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label
from textual.worker import get_current_worker

from outreach.core import dnc, prospect_pages
from outreach.core.models import STAGES
from outreach.core.prospect_list import change_stage, get_prospect
from outreach.core.prospect_pages import Cursor, Listing, ListingPage, ListingRow
from outreach.tui.notices import guarded
from outreach.tui.screens.prompts import ChoiceScreen, ReasonScreen
from outreach.tui.workspace import Workspace

COLUMNS = (("domain", "domain", 22), ("stage", "stage", 9), ("country", "country", 12),
           ("language", "language", 19), ("local", "locality", 7), ("dr", "dr", 3), ("traffic", "traffic", 8),
           ("last contact", None, 12), ("mail", None, 22), ("contact", "contact_name", 18),
           ("email", "email", 28))
"""(label, sort key or None, width) of each column."""

PAGE = 50
"""Rows per page: a screenful or two, never the whole market."""

DEBOUNCE = 0.05
"""Keys closer together than this are a burst: the filter runs once it ends, not for every key."""


def cells(row: ListingRow) -> list[str | Text]:
    """One prospect as table cells: each inference with how it was made, metrics, last contact and mail."""
    stage = Text(f"{row.stage} ⛔", style="bold red") if row.do_not_contact else Text(row.stage)
    traffic = row.metrics.get("traffic")
    return [row.domain, stage, f"{row.country or '?'} · {row.country_source}",
            f"{row.language or '?'} · {row.language_source}", row.locality,
            f"{row.metrics['dr']:g}" if "dr" in row.metrics else "", f"{traffic:,.0f}" if traffic else "",
            row.last_contact.date().isoformat() if row.last_contact else "never", row.last_mail or "",
            row.contact_name or "", row.email or ""]


class ProspectsPane(Widget):
    """A market's prospects: a filter box, a paged table, stage changes and do-not-contact."""

    PANE_ID = "prospects"
    PANE_TITLE = "Prospects"
    FOCUS = "#prospect-table"
    """What has the focus when the pane is shown."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="prospects.filter", tooltip="Type to filter the table"),
        Binding("right_square_bracket", "next_page", "Next page", id="prospects.next",
                tooltip="The next page of prospects"),
        Binding("left_square_bracket", "previous_page", "Prev page", id="prospects.previous",
                tooltip="The previous page of prospects"),
        Binding("o", "sort", "Sort", id="prospects.sort", tooltip="Sort by a column (again: reverse)"),
        Binding("s", "stage", "Stage", id="prospects.stage", tooltip="Move the prospect to another stage"),
        Binding("x", "do_not_contact", "Do not contact", id="prospects.dnc",
                tooltip="Put the prospect's email (or domain) on the do-not-contact list"),
        Binding("n", "new_request", "Request", id="prospects.request",
                tooltip="Start a link request for the highlighted prospect"),
        Binding("ctrl+r", "reload", "Reload", id="prospects.reload", tooltip="Read this page again"),
    ]

    class RequestWanted(Message):
        """Someone wants a link request for this prospect."""

        def __init__(self, prospect_id: int) -> None:
            super().__init__()
            self.prospect_id = prospect_id

    class PageShown(Message):
        """A page reached the table: what it was, when, and how long the query and table update took."""

        def __init__(self, listing: Listing, seconds: float, at: float) -> None:
            super().__init__()
            self.listing, self.seconds, self.at = listing, seconds, at

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="prospects-pane")
        self.workspace = workspace
        self.market: str | None = next(iter(workspace.campaign.markets), None)
        self.text = ""
        self.sort = "domain"
        self._starts: list[Cursor | None] = [None]
        self._next: Cursor | None = None
        self._debounce: Timer | None = None
        self._last_key = 0.0
        self._campaign_id: int | None = None

    def compose(self) -> ComposeResult:
        """The filter box and status line above the table."""
        with Horizontal(classes="pane-bar"):
            yield Input(placeholder="filter: domain, outlet, contact or email", id="prospect-filter",
                        compact=True)
            yield Label("", id="prospect-status")
        yield DataTable(id="prospect-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Columns, then the first page (which also warms the filter query)."""
        table = self.query_one("#prospect-table", DataTable)
        for label, key, width in COLUMNS:
            table.add_column(label, width=width, key=key or label)
        self.reload(warm=True)

    def show_market(self, tag: str) -> None:
        """Show another market from its first page."""
        if tag != self.market:
            self.market = tag
            self._starts = [None]
            self.reload()

    def reload(self, *, warm: bool = False) -> None:
        """Read the current page again."""
        self._load(self._listing(), self._starts[-1], time.perf_counter(), warm)

    def _listing(self) -> Listing:
        """What the table shows now."""
        if self._campaign_id is None:
            self._campaign_id = self.workspace.store.campaign_id(self.workspace.campaign)
        return Listing(self._campaign_id, self.market, self.text, self.sort, PAGE)

    @work(thread=True, exclusive=True, group="prospects")
    def _load(self, listing: Listing, start: Cursor | None, began: float, warm: bool = False) -> None:
        """One page, then the (capped) count; then, once, a filter query to warm the caches."""
        store = self.workspace.store

        def read() -> ListingPage:
            with store.transaction() as session:
                return prospect_pages.page(session, listing, start)

        found = guarded(self, "Cannot list prospects", read)
        if found is None or get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._show, listing, found, began)
        if start is None and found.next is None:  # the whole match is on this page: nothing to count
            matches: int | None = len(found.rows)
        else:
            matches = guarded(self, "Cannot count prospects", lambda: self._count(listing))
        if matches is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_count, matches)
        if warm:  # the first keystroke would otherwise pay for compiling and reading the whole market
            guarded(self, "Cannot list prospects", lambda: self._count(Listing(
                listing.campaign_id, listing.market, "\x00", listing.sort, 1)))

    def _count(self, listing: Listing) -> int:
        """Matches, up to the cap."""
        with self.workspace.store.transaction() as session:
            return prospect_pages.count(session, listing)

    def _show(self, listing: Listing, found: ListingPage, began: float) -> None:
        """Replace the table's rows with the page, unless the filter, sort or market moved on meanwhile."""
        if listing != self._listing():  # a slower query for an earlier keystroke finished last
            return
        table = self.query_one("#prospect-table", DataTable)
        table.clear()
        for row in found.rows:
            table.add_row(*cells(row), key=str(row.id))
        self._next = found.next
        self._status("…")
        now = time.perf_counter()
        self.post_message(self.PageShown(listing, now - began, now))

    def _show_count(self, matches: int) -> None:
        """The status line with the match count."""
        self._status(prospect_pages.count_label(matches))

    def _status(self, matches: str) -> None:
        """`es-MX · 1,234 match · page 2 · by -dr`."""
        label = f"{self.market} · {matches} · page {len(self._starts)} · by {self.sort}"
        self.query_one("#prospect-status", Label).update(label)

    @on(Input.Changed, "#prospect-filter")
    def _typed(self, event: Input.Changed) -> None:
        """Filter at once on a key after a pause; in a burst of keys, once the burst ends."""
        if self._debounce is not None:
            self._debounce.stop()
        now = time.monotonic()
        burst, self._last_key = now - self._last_key < DEBOUNCE, now
        if burst:
            self._debounce = self.set_timer(DEBOUNCE, partial(self.apply_filter, event.value))
        else:
            self.apply_filter(event.value)

    @on(Input.Submitted, "#prospect-filter")
    def _submitted(self) -> None:
        self.query_one("#prospect-table", DataTable).focus()

    def apply_filter(self, text: str) -> None:
        """Filter now (the debounce timer calls this)."""
        self.text = text
        self._starts = [None]
        self.reload()

    @on(DataTable.HeaderSelected, "#prospect-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key in {sort for _, sort, _ in COLUMNS if sort}:
            self.sort_by(key)

    def sort_by(self, key: str) -> None:
        """Sort by a column; sorting by it again reverses the order (metrics start high)."""
        if self.sort.lstrip("-") == key:
            self.sort = key if self.sort.startswith("-") else f"-{key}"
        else:
            self.sort = f"-{key}" if key in ("dr", "traffic") else key
        self._starts = [None]
        self.reload()

    def action_filter(self) -> None:
        """Focus the filter box."""
        self.query_one("#prospect-filter", Input).focus()

    def action_next_page(self) -> None:
        """Page forward (keyset: the next page starts after the last row shown)."""
        if self._next is not None:
            self._starts.append(self._next)
            self.reload()

    def action_previous_page(self) -> None:
        """Page back."""
        if len(self._starts) > 1:
            self._starts.pop()
            self.reload()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    def action_sort(self) -> None:
        """Pick the sort column."""
        choices = [(label, key) for label, key, _ in COLUMNS if key]
        self.app.push_screen(ChoiceScreen("Sort by", choices, self.sort.lstrip("-")), self._sort_chosen)

    def _sort_chosen(self, key: str | None) -> None:
        """The sort screen's answer."""
        if key:
            self.sort_by(key)

    def selected(self) -> int | None:
        """The highlighted prospect's id."""
        table = self.query_one("#prospect-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_stage(self) -> None:
        """Ask for the new stage of the highlighted prospect."""
        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(ChoiceScreen(f"Stage of prospect #{chosen}", [(s, s) for s in STAGES]),
                                 partial(self._stage_chosen, chosen))

    def _stage_chosen(self, prospect_id: int, stage: str | None) -> None:
        """The stage screen's answer."""
        if stage:
            self.set_stage(prospect_id, stage)

    @work(thread=True, group="prospect-edit")
    def set_stage(self, prospect_id: int, stage: str) -> None:
        """Move a prospect to a stage (recorded in its history and the audit log)."""
        actor = self.workspace.store.actor

        def change() -> bool:
            with self.workspace.store.transaction() as session:
                change_stage(session, prospect_id, stage, actor=actor)
            return True

        if guarded(self, "Cannot change the stage", change):
            self.app.call_from_thread(self.notify, f"prospect #{prospect_id} is now {stage}", title="Stage")
            self.app.call_from_thread(self.reload)

    def action_do_not_contact(self) -> None:
        """Ask why, then put the prospect's email (or its domain) on the do-not-contact list."""
        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(ReasonScreen(f"Never contact prospect #{chosen} again: why?", "reason"),
                                 partial(self._reason_given, chosen))

    def _reason_given(self, prospect_id: int, answer: tuple[str, str] | None) -> None:
        """The do-not-contact screen's answer."""
        if answer:
            self.mark_do_not_contact(prospect_id, answer[1])

    @work(thread=True, group="prospect-edit")
    def mark_do_not_contact(self, prospect_id: int, reason: str) -> None:
        """Add the prospect's email, or its domain when it has none, to the list (every campaign)."""
        actor = self.workspace.store.actor

        def mark() -> tuple[str, int]:
            with self.workspace.store.transaction() as session:
                prospect = get_prospect(session, prospect_id)
                value = prospect.email or prospect.domain
                _, marked = dnc.add_entry(session, value, reason=reason, actor=actor)
                return value, marked

        done = guarded(self, "Cannot mark do-not-contact", mark)
        if done is not None:
            self.app.call_from_thread(self.notify, f"{done[0]} is on the do-not-contact list "
                                      f"({done[1]} prospect(s) marked)", title="Do not contact")
            self.app.call_from_thread(self.reload)

    def action_new_request(self) -> None:
        """Hand the highlighted prospect to the requests pane."""
        chosen = self.selected()
        if chosen is not None:
            self.post_message(self.RequestWanted(chosen))
