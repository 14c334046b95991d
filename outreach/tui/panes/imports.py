"""Import a prospect file into the current market, with a progress bar and a way to stop it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, ProgressBar, Select
from textual.widgets.option_list import Option

from outreach import locations
from outreach.core.formats import format_names
from outreach.core.prospects import ImportOptions, ImportReport, import_file
from outreach.tui.notices import guarded
from outreach.tui.workspace import Workspace

SUFFIXES = (".csv", ".tsv", ".txt")
"""Files offered for import."""

AUTO = "auto"
"""The format choice that lets the importer recognise the file by its headers."""


def summary(report: ImportReport) -> str:
    """What an import did, in one line."""
    parts = [f"{report.rows:,} rows ({report.format})", f"{report.new:,} new", f"{report.updated:,} updated"]
    if report.bad_rows:
        parts.append(f"{len(report.bad_rows):,} bad (see {report.rejects_path})")
    if report.do_not_contact:
        parts.append(f"{report.do_not_contact:,} do-not-contact")
    if report.clusters:
        parts.append(f"{report.clusters:,} duplicate cluster(s)")
    return ", ".join(parts)


def _relative(path: Path, root: Path) -> str:
    """A path as shown in the list: relative to the workspace when inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class ImportPane(Widget):
    """A file (typed, or picked from the list), its format, and an import that runs in a worker."""

    PANE_ID = "import"
    PANE_TITLE = "Import"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start import", id="import.start",
                tooltip="Import the file into the current market"),
        Binding("escape", "cancel", "Cancel import", id="import.cancel",
                tooltip="Stop the running import; nothing is written"),
    ]

    class Imported(Message):
        """A file was imported: other panes should read the store again."""

        def __init__(self, report: ImportReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(id="import-pane")
        self.workspace = workspace
        self.market = next(iter(workspace.campaign.markets), "")
        self._stop = threading.Event()
        self.running = False
        self.last_report: ImportReport | None = None

    def compose(self) -> ComposeResult:
        """Path, format and buttons on top; progress; the workspace's files below."""
        with Horizontal(classes="pane-bar"):
            yield Input(placeholder="file to import (or pick one below)", id="import-path", compact=True)
            yield Select([(name, name) for name in (AUTO, *format_names())], value=AUTO,
                         allow_blank=False, id="import-format", compact=True)
        with Horizontal(classes="pane-bar"):
            yield Button("Import", id="import-start", variant="primary", compact=True)
            yield Button("Cancel", id="import-cancel", disabled=True, compact=True)
            yield Label("", id="import-market")
        yield ProgressBar(total=1, id="import-progress", show_eta=False)
        yield Label("", id="import-status")
        yield OptionList(id="import-files", compact=True)

    def on_mount(self) -> None:
        """Say which market the file goes into; list the workspace's prospect files."""
        self.show_market(self.market)
        self.reload()

    def show_market(self, tag: str) -> None:
        """Import into this market from now on."""
        self.market = tag
        self.query_one("#import-market", Label).update(f"into market {tag}")

    def reload(self) -> None:
        """List the prospect files of the workspace (its prospects/ folder, then its root)."""
        root = self.workspace.settings.campaign
        folders = (locations.prospects_dir(root), root)
        found = sorted({path for folder in folders if folder.is_dir() for path in folder.iterdir()
                        if path.suffix.lower() in SUFFIXES and not path.stem.endswith(".rejects")})
        files = self.query_one("#import-files", OptionList)
        files.clear_options()
        files.add_options([Option(_relative(path, root), id=str(path)) for path in found])

    @on(OptionList.OptionSelected, "#import-files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#import-path", Input).value = event.option.id or ""
        self.query_one("#import-start", Button).focus()

    @on(Button.Pressed, "#import-start")
    @on(Input.Submitted, "#import-path")
    def action_start(self) -> None:
        """Start importing the chosen file."""
        raw = self.query_one("#import-path", Input).value.strip()
        if self.running:
            return
        if not raw:
            self.notify("type a file name or pick one in the tree", title="Import", severity="warning")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.workspace.settings.campaign / path
        chosen = str(self.query_one("#import-format", Select).value)
        self._set_running(True)
        self._import(path, ImportOptions(self.market, format=None if chosen == AUTO else chosen))

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        """Ask the running import to stop at its next progress report."""
        if self.running:
            self._stop.set()
            self.query_one("#import-status", Label).update("stopping…")

    def _set_running(self, running: bool) -> None:
        """Buttons and flags for a running (or finished) import."""
        self.running = running
        self.query_one("#import-start", Button).disabled = running
        self.query_one("#import-cancel", Button).disabled = not running
        if running:
            self._stop.clear()
            self.query_one("#import-progress", ProgressBar).update(total=None, progress=0)
            self.query_one("#import-status", Label).update("reading…")

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path, options: ImportOptions) -> None:
        """Import in one transaction; a cancel rolls it back."""
        workspace = self.workspace

        def progress(phase: str, done: int, total: int) -> bool:
            self.app.call_from_thread(self._progress, phase, done, total)
            return not self._stop.is_set()

        def run() -> ImportReport:
            campaign_id = workspace.store.campaign_id(workspace.campaign)
            with workspace.store.transaction() as session:
                return import_file(session, workspace.campaign, campaign_id, path, options,
                                   workspace.store.actor, progress=progress)

        report = guarded(self, "Import", run)
        self.app.call_from_thread(self._finished, report)

    def _progress(self, phase: str, done: int, total: int) -> None:
        """Move the bar and name the phase."""
        bar = self.query_one("#import-progress", ProgressBar)
        if total:
            bar.update(total=total, progress=done)
        self.query_one("#import-status", Label).update(f"{phase} {done:,} of {total:,}" if total else phase)

    def _finished(self, report: ImportReport | None) -> None:
        """Report the result and tell the app the store changed."""
        self._set_running(False)
        status = self.query_one("#import-status", Label)
        if report is None:
            status.update("nothing imported")
            return
        self.last_report = report
        status.update(summary(report))
        self.query_one("#import-files", OptionList).focus()  # out of the path box, so keys work again
        self.notify(summary(report), title=f"Imported {Path(report.file).name}")
        self.post_message(self.Imported(report))
