"""The mailbox pane: replies, auto-replies, bounces and unsubscribes per market, and a sync in a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, ProgressBar, Static

from outreach.core import imap_sync, mailbox_events
from outreach.core.imap_sync import SyncProgress, SyncReport
from outreach.core.mailbox_events import MarketMail
from outreach.core.mailbox_tables import InboundEvent
from outreach.errors import OutreachError
from outreach.tui.panes.pane_tools import failure_message, fixed_columns
from outreach.tui.workspace import Workspace

COUNTED = (("replies", "reply"), ("auto", "auto-reply"), ("hard bounces", "hard-bounce"),
           ("soft bounces", "soft-bounce"), ("unsubscribes", "unsubscribe"), ("errors", "error"))
"""Columns of the per-market table and the event kind each counts."""
COLUMNS = {
    "#mailbox-markets": (("market", 7), *((label, len(label)) for label, _ in COUNTED)),
    "#mailbox-events": (("received (UTC)", 16), ("market", 6), ("kind", 11), ("address", 34),
                        ("request", 7), ("what", 60)),
}
"""Columns of each table and their widths (fixed, so the layout does not depend on when rows arrive)."""


@dataclass(frozen=True)
class MailView:
    """What the pane shows, read in one transaction."""

    markets: list[MarketMail]
    events: list[InboundEvent]


class MailboxPane(Widget):
    """Per-market counts on top, the events of the highlighted market below, and the sync's progress."""

    DEFAULT_CSS = """
    MailboxPane { height: 1fr; }
    MailboxPane DataTable { height: auto; max-height: 16; }
    MailboxPane .pane-heading { text-style: bold; margin-top: 1; }
    MailboxPane #mailbox-sync-row { height: auto; }
    MailboxPane #mailbox-progress { width: 40; display: none; }
    MailboxPane #mailbox-progress.-syncing { display: block; }
    MailboxPane #mailbox-status { width: 1fr; padding: 0 1; }
    """
    PANE_ID = "mailbox"
    PANE_TITLE = "Mailbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "sync", "Sync mailbox", id="mailbox.sync",
                tooltip="Read new replies and bounces from the configured IMAP mailboxes"),
        Binding("ctrl+r", "reload", "Reload", id="mailbox.reload", tooltip="Show what the store holds now"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="mailbox-pane")
        self.workspace = workspace
        self.market: str | None = None
        self.view: MailView | None = None
        self.last_sync: SyncReport | None = None
        self.syncing = False
        """True while a sync runs (set on the UI thread, cleared by the worker)."""

    def compose(self) -> ComposeResult:
        """The sync row, the per-market counts, the events and the highlighted event's history."""
        with VerticalScroll():
            with Horizontal(id="mailbox-sync-row"):
                yield ProgressBar(id="mailbox-progress", show_eta=False)
                yield Static("Not synced in this session (ctrl+s syncs).", id="mailbox-status")
            yield Static("What came back, per market", classes="pane-heading")
            yield DataTable(id="mailbox-markets", cursor_type="row", zebra_stripes=True)
            yield Static("Events", id="mailbox-events-heading", classes="pane-heading")
            yield DataTable(id="mailbox-events", cursor_type="row", zebra_stripes=True)
            yield Static("", id="mailbox-history")

    def on_mount(self) -> None:
        """Set the columns, then load in a worker."""
        fixed_columns(self, COLUMNS)
        self.reload()
        self._schedule_syncs()

    def _schedule_syncs(self) -> None:
        """Sync now and every few minutes when mailboxes are configured (settings.imap_sync_minutes)."""
        settings = self.workspace.settings
        try:
            configured = bool(settings.imap_accounts())
        except OutreachError as exc:
            self.notify(str(exc), title="Cannot sync the mailbox", severity="error")
            return
        if configured and settings.imap_sync_minutes > 0:
            self.sync()
            self.set_interval(settings.imap_sync_minutes * 60, self.sync)

    def reload(self) -> None:
        """Read counts and events off the UI thread."""
        self._load()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    def action_sync(self) -> None:
        """Key binding: sync every configured mailbox in a worker."""
        self.sync()

    def sync(self) -> None:
        """Start a sync in a worker, unless one is running (two would read the same messages)."""
        if self.syncing:
            return
        self.syncing = True
        self._sync()

    @work(thread=True, exclusive=True, group="mailbox-load")
    def _load(self) -> None:
        """Gather the view in a transaction; errors become a notification."""
        workspace = self.workspace
        try:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                view = MailView(mailbox_events.by_market(session, campaign_id),
                                mailbox_events.recent(session, campaign_id, limit=500))
        except (OutreachError, SQLAlchemyError) as exc:
            self._failed("Cannot read the mailbox", exc)
            return
        self.app.call_from_thread(self._show, view)

    @work(thread=True, group="mailbox-sync")
    def _sync(self) -> None:
        """Read the configured mailboxes, showing progress; the view reloads when it is done."""
        workspace = self.workspace
        self.app.call_from_thread(self._status, "Syncing…")
        self.app.call_from_thread(self.query_one("#mailbox-progress", ProgressBar).add_class, "-syncing")
        try:
            boxes = workspace.settings.imap_accounts()
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            report = imap_sync.sync(workspace.store, boxes, campaign_id=campaign_id,
                                    progress=lambda where: self.app.call_from_thread(self._progress, where))
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._status, "Sync failed.")
            self._failed("Cannot sync the mailbox", exc)
            return
        finally:
            self.syncing = False
        self.app.call_from_thread(self._synced, report)

    def _failed(self, title: str, exc: OutreachError | SQLAlchemyError) -> None:
        """Tell the user, from a worker thread."""
        self.app.call_from_thread(self.notify, failure_message(exc), title=title, severity="error")

    def _status(self, text: str) -> None:
        self.query_one("#mailbox-status", Static).update(text)

    def _progress(self, where: SyncProgress) -> None:
        """Move the bar for the folder being read."""
        self.query_one("#mailbox-progress", ProgressBar).update(total=max(where.total, 1),
                                                                progress=where.done if where.total else 1)
        self._status(f"{where.mailbox}/{where.folder}: {where.done} of {where.total}")

    def _synced(self, report: SyncReport) -> None:
        """Summarise the sync, notify failures, and reload the view."""
        self.last_sync = report
        counts = mailbox_events.counted(report.events)
        read = sum(folder.read for folder in report.folders)
        resolved = f"; {len(report.resolved)} uncertain message(s) found in Sent" if report.resolved else ""
        self._status(f"Synced: {read} message(s) read, {counts}{resolved}.")
        for failure in report.failures:
            self.notify(failure, title="A mailbox could not be read", severity="error")
        self.reload()

    def _show(self, view: MailView) -> None:
        """Fill the per-market counts and the events."""
        self.view = view
        table = self.query_one("#mailbox-markets", DataTable)
        table.clear()
        for item in view.markets:
            table.add_row(item.market, *(str(item.count(kind)) for _, kind in COUNTED), key=item.market)
        self.show_market(self.market)

    @on(DataTable.RowHighlighted, "#mailbox-markets")
    def _market_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_market(str(event.row_key.value))

    def show_market(self, tag: str | None) -> None:
        """Show one market's events (every market's when None)."""
        self.market = tag
        if self.view is None:
            return
        shown = [event for event in self.view.events if tag is None or (event.market or "?") == tag]
        self.query_one("#mailbox-events-heading", Static).update(f"Events in {tag}" if tag else "Events")
        table = self.query_one("#mailbox-events", DataTable)
        table.clear()
        for event in shown:
            when = (event.received_at or event.recorded_at).strftime("%Y-%m-%d %H:%M")
            request = f"#{event.request_id}" if event.request_id else ""
            # Addresses and texts come from strangers' mail: shown as plain text, never as markup.
            table.add_row(when, event.market or "", event.kind, Text(event.address), request,
                          Text(mailbox_events.describe(event)), key=str(event.id))

    @on(DataTable.RowHighlighted, "#mailbox-events")
    def _event_highlighted(self, event: DataTable.RowHighlighted) -> None:
        found = next((item for item in self.view.events if str(item.id) == event.row_key.value), None) \
            if self.view else None
        if found is not None and found.prospect_id is not None:
            self._history(found.prospect_id)

    @work(thread=True, exclusive=True, group="mailbox-history")
    def _history(self, prospect_id: int) -> None:
        """Everything that came back from one prospect, in a line each."""
        try:
            with self.workspace.store.transaction() as session:
                lines = [f"{item.kind} {mailbox_events.describe(item)}"
                         for item in mailbox_events.for_prospect(session, prospect_id)]
        except (OutreachError, SQLAlchemyError) as exc:
            self._failed("Cannot read the prospect's mail", exc)
            return
        text = Text(f"Prospect #{prospect_id}: " + " · ".join(lines))
        self.app.call_from_thread(self.query_one("#mailbox-history", Static).update, text)

