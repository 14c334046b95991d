"""The outbox pane: the queue with local and UTC times, each mailbox's caps used, uncertain
messages to resolve, and a sender started and stopped from a worker, with its progress."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy.exc import SQLAlchemyError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from outreach.core import outbox, outbox_views
from outreach.core.mailer import SendLoop, SendReport
from outreach.core.models import utcnow
from outreach.core.send_accounts import MailboxSettings
from outreach.core.transport import Mailer, SmtpMailer
from outreach.errors import OutreachError
from outreach.tui.panes.outbox_lines import caps_line, stranded_lines, summary
from outreach.tui.panes.pane_tools import failure_message, fixed_columns
from outreach.tui.workspace import Workspace

QUEUE_COLUMNS = (("id", 5), ("market", 6), ("step", 10), ("state", 9), ("recipient", 24), ("local time", 41),
                 ("UTC", 16), ("mailbox", 8), ("note", 20))
UNCERTAIN_COLUMNS = (("id", 5), ("market", 6), ("recipient", 28), ("planned (UTC)", 16), ("why", 60))


@dataclass(frozen=True)
class OutboxView:
    """What the pane shows, gathered in one transaction."""

    queue: list[outbox_views.QueueRow]
    uncertain: list[outbox_views.QueueRow]
    usage: list[outbox_views.MailboxUsage]
    stranded: list[outbox_views.Stranded]
    """Queued messages whose mailbox is not in settings (nothing will send them)."""


class OutboxPane(Widget):
    """The queue, the caps, the uncertain messages and the sender's state."""

    DEFAULT_CSS = """
    OutboxPane { height: 1fr; }
    OutboxPane DataTable { height: auto; max-height: 16; }
    OutboxPane .pane-heading { text-style: bold; margin-top: 1; }
    OutboxPane #outbox-stranded { color: $warning; text-style: bold; display: none; }
    """
    PANE_ID = "outbox"
    PANE_TITLE = "Outbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "Reload", id="outbox.reload", tooltip="Read the queue and caps again"),
        Binding("s", "start_sending", "Start sending", id="outbox.start",
                tooltip="Send due messages in a background worker until stopped"),
        Binding("x", "stop_sending", "Stop sending", id="outbox.stop",
                tooltip="Stop the sender after the batch in hand"),
        Binding("d", "resolve(True)", "Delivered", id="outbox.delivered",
                tooltip="The highlighted uncertain message was delivered (seen in Sent or by the recipient)"),
        Binding("n", "resolve(False)", "Not delivered", id="outbox.not-delivered",
                tooltip="The highlighted uncertain message never arrived: fail it and stop its follow-ups"),
    ]

    def __init__(self, workspace: Workspace, *, mailer_for: Callable[[MailboxSettings], Mailer] = SmtpMailer,
                 poll_seconds: float = 30.0) -> None:
        super().__init__(id="outbox-pane")
        self.workspace = workspace
        self.mailer_for = mailer_for
        self.poll_seconds = poll_seconds
        self.market: str | None = None
        self.view: OutboxView | None = None
        self.sending = False
        self._stop: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None
        self._stop_ready = threading.Event()
        self._warned = ""
        """The stranded-messages warning last notified (a reload repeats it only when it changes)."""

    def compose(self) -> ComposeResult:
        """Sender state, caps, the uncertain messages, then the queue."""
        with VerticalScroll():
            yield Static("Sender stopped (press s to start)", id="outbox-sender")
            yield Static("", id="outbox-stranded", markup=False)
            yield Static("", id="outbox-caps")
            yield Static("Uncertain: resolve with d (delivered) or n (not delivered)", classes="pane-heading")
            yield DataTable(id="outbox-uncertain", cursor_type="row")
            yield Static("Queue (recipient's local time and UTC)", id="outbox-queue-heading",
                         classes="pane-heading")
            yield DataTable(id="outbox-queue", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        """Fixed-width columns (the layout must not jump as rows arrive), then load."""
        fixed_columns(self, {"#outbox-queue": QUEUE_COLUMNS, "#outbox-uncertain": UNCERTAIN_COLUMNS})
        self.reload()

    def reload(self) -> None:
        """Read the outbox again off the UI thread."""
        self._load()

    def show_market(self, tag: str | None) -> None:
        """Only one market's queue (None: every market)."""
        self.market = self.workspace.campaign.market(tag).tag if tag else None
        self.reload()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

    @work(thread=True, exclusive=True, group="outbox-load")
    def _load(self) -> None:
        """Gather queue, uncertain messages and caps in one transaction."""
        workspace = self.workspace
        try:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                waiting, mailboxes = ("scheduled", "sending"), workspace.settings.sending_mailboxes()
                view = OutboxView(
                    outbox_views.queue(session, campaign_id, market=self.market, states=waiting),
                    outbox_views.queue(session, campaign_id, states=("uncertain",)),
                    outbox_views.mailbox_usage(session, mailboxes, utcnow()),
                    outbox_views.stranded(session, campaign_id, mailboxes, utcnow()))
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._failed, exc, "Cannot read the outbox")
            return
        self.app.call_from_thread(self._show, view)

    def _failed(self, exc: OutreachError | SQLAlchemyError, title: str) -> None:
        self.notify(failure_message(exc), title=title, severity="error")

    def _show(self, view: OutboxView) -> None:
        """Fill both tables and the caps line."""
        self.view = view
        queue = self.query_one("#outbox-queue", DataTable)
        queue.clear()
        for row in view.queue:
            queue.add_row(row.label.lstrip("#"), row.market, row.step, row.state, row.recipient,
                          f"{row.send_at_local:%a %Y-%m-%d %H:%M} {row.timezone}",
                          f"{row.send_at_utc:%Y-%m-%d %H:%M}", row.mailbox, row.note[:20], key=row.key)
        uncertain = self.query_one("#outbox-uncertain", DataTable)
        uncertain.clear()
        for row in view.uncertain:
            uncertain.add_row(str(row.id), row.market, row.recipient, f"{row.send_at_utc:%Y-%m-%d %H:%M}",
                              row.note[:60], key=str(row.id))
        self.query_one("#outbox-caps", Static).update(caps_line(view.usage))
        self._show_stranded(stranded_lines(view.stranded))
        scope = self.market or "all markets"
        self.query_one("#outbox-queue-heading", Static).update(
            f"Queue of {scope}: {len(view.queue)} waiting (recipient's local time and UTC)")

    def _show_stranded(self, warning: str) -> None:
        """The warning line under the sender's state, and a notification when it is new."""
        line = self.query_one("#outbox-stranded", Static)
        line.update(warning)
        line.display = bool(warning)
        if warning and warning != self._warned:
            self.notify(warning, title="Messages nothing will send", severity="warning", timeout=30,
                        markup=False)
        self._warned = warning

    def action_resolve(self, delivered: bool) -> None:
        """Resolve the highlighted uncertain message."""
        table = self.query_one("#outbox-uncertain", DataTable)
        if not table.row_count:
            self.notify("No uncertain message to resolve", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._resolve(int(str(key)), delivered)

    @work(thread=True, group="outbox-resolve")
    def _resolve(self, outbox_id: int, delivered: bool) -> None:
        """Record the person's answer (audited), then reload."""
        workspace = self.workspace
        try:
            with workspace.store.transaction() as session:
                outbox.resolve_uncertain(session, outbox_id, delivered=delivered,
                                         actor=workspace.settings.user, note="resolved in the app")
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._failed, exc, "Cannot resolve")
            return
        word = "delivered" if delivered else "not delivered"
        self.app.call_from_thread(self.notify, f"Message #{outbox_id} marked {word}", title="Resolved")
        self.app.call_from_thread(self.reload)

    def action_start_sending(self) -> None:
        """Start the background sender unless it runs already."""
        if self.sending:
            self.notify("The sender is already running")
            return
        mailboxes = self.workspace.settings.sending_mailboxes()
        if not mailboxes:
            self.notify("No sending mailbox is configured (OUTREACH_SMTP_HOST and OUTREACH_FROM, or "
                        "[[mailboxes]] in settings.toml)", title="Cannot send", severity="error")
            return
        self.sending = True
        self._stop_ready.clear()
        self.query_one("#outbox-sender", Static).update("Sender running: nothing sent yet (press x to stop)")
        self._send(mailboxes)

    def action_stop_sending(self) -> None:
        """Ask the sender to stop after its current batch."""
        if not self.sending:
            self.notify("The sender is not running")
            return
        self._stop_ready.wait(timeout=5)
        if self._stop is not None:
            loop, event = self._stop
            loop.call_soon_threadsafe(event.set)
        self.query_one("#outbox-sender", Static).update("Sender stopping after the batch in hand…")

    @work(thread=True, exclusive=True, group="outbox-send")
    def _send(self, mailboxes: tuple[MailboxSettings, ...]) -> None:
        """Run the send loop in this thread's own event loop until stopped."""
        workspace = self.workspace
        try:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            sender = SendLoop(workspace.store.engine, workspace.campaign, campaign_id, mailboxes,
                              mailer_for=self.mailer_for, progress=self._progress_from_thread)
            report = asyncio.run(self._run(sender))
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._failed, exc, "Sending stopped")
            report = None
        self.app.call_from_thread(self._stopped, report)

    async def _run(self, sender: SendLoop) -> SendReport:
        """The loop with a stop event the UI thread can set."""
        event = asyncio.Event()
        self._stop = (asyncio.get_running_loop(), event)
        self._stop_ready.set()
        return await sender.run_forever(event, poll=self.poll_seconds)

    def _progress_from_thread(self, report: SendReport) -> None:
        self.app.call_from_thread(self._progress, summary(report))

    def _progress(self, summary: str) -> None:
        self.query_one("#outbox-sender", Static).update(f"Sender running: {summary} (press x to stop)")
        self.reload()

    def _stopped(self, report: SendReport | None) -> None:
        self.sending = False
        self._stop = None
        said = summary(report) if report is not None else "stopped by an error"
        self.query_one("#outbox-sender", Static).update(f"Sender stopped: {said} (press s to start)")
        if report is not None and report.paused:
            self.notify(f"Paused for bounces: {', '.join(report.paused)}", title="Mailbox paused",
                        severity="warning")
        self.reload()

