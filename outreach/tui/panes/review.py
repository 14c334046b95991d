"""The native-speaker reviewer's pane: a market's templates, a live preview with QA, the brief, decisions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from sqlalchemy.exc import SQLAlchemyError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Markdown, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from outreach.core import template_drafts
from outreach.core.models import Prospect
from outreach.core.review import ApprovalState
from outreach.core.template_context import sample_prospect
from outreach.core.template_drafts import Decision, DraftCheck
from outreach.errors import OutreachError
from outreach.tui.panes import review_text
from outreach.tui.panes.pane_tools import failure_message
from outreach.tui.panes.review_decision import DecisionBar
from outreach.tui.panes.review_editor import template_editor
from outreach.tui.panes.review_messages import DraftChecked, MarketData, MarketLoaded, TemplateRecorded
from outreach.tui.panes.review_preview import PreviewPanel
from outreach.tui.workspace import Workspace

PREVIEW_DELAY = 0.3
"""Seconds of quiet typing before the preview and QA run again."""
NARROW_WIDTH = 110
"""Below this many columns the pane stacks its parts and hides the brief until asked."""
FIRST_TEMPLATE = "pitch"


class ReviewPane(Widget):
    """Templates on the left, the editor with preview and QA findings, the brief beside; decide below."""

    DEFAULT_CSS = Path(__file__).with_name("review.tcss").read_text(encoding="utf-8")
    PANE_ID = "review"
    PANE_TITLE = "Review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="review.save",
                tooltip="Save the template atomically; refused, file untouched, if it does not compile"),
        Binding("ctrl+o", "approve", "Approve", id="review.approve",
                tooltip="Approve the saved text of this template (with the comment, if any)"),
        Binding("ctrl+n", "reject", "Reject", id="review.reject",
                tooltip="Reject the saved text; the comment says what to change"),
        Binding("ctrl+b", "toggle_brief", "Brief", id="review.brief",
                tooltip="Show or hide the market's brief beside the template"),
        Binding("ctrl+r", "reload", "Reload", id="review.reload",
                tooltip="Read templates, approvals, prospects and the brief again"),
    ]

    def __init__(self, workspace: Workspace, *, today: date | None = None) -> None:
        super().__init__(id="review-pane")
        self.workspace = workspace
        self._today = today
        self.tag = workspace.campaign.by_priority()[0].tag
        """The market under review."""
        self.states: dict[str, ApprovalState] = {}
        self.template: str | None = None
        """The template in the editor."""
        self._saved: dict[str, str] = {}
        """Each template's text on disk, as last read or saved."""
        self._drafts: dict[tuple[str, str], str] = {}
        """Unsaved editor text of templates the reviewer switched away from, by market and name."""
        self._timer: Timer | None = None
        self._generation = 0
        self._brief_toggled = False

    def compose(self) -> ComposeResult:
        """Status line, the three columns, and the decision row."""
        yield Static("", id="review-status")
        with Horizontal(id="review-body"):
            yield OptionList(id="review-templates")
            with Vertical(id="review-work"):
                yield template_editor("review-editor")
                yield PreviewPanel(id="review-output")
            with VerticalScroll(id="review-brief-scroll"):
                yield Markdown("", id="review-brief")
        yield DecisionBar(id="review-decision")

    def on_mount(self) -> None:
        """Load the first market in a worker."""
        self.reload()

    def on_resize(self, event: Resize) -> None:
        """Stack the parts when narrow; show the brief by default only when wide."""
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        self._show_brief()

    def _show_brief(self) -> None:
        wide = not self.has_class("-narrow")
        self.set_class(wide != self._brief_toggled, "-brief")

    @property
    def editor(self) -> TextArea:
        """The template editor."""
        return self.query_one("#review-editor", TextArea)

    @property
    def preview(self) -> PreviewPanel:
        """The prospect choice, preview and findings."""
        return self.query_one(PreviewPanel)

    @property
    def edited(self) -> bool:
        """Whether the editor holds text that differs from the template on disk."""
        return self.template is not None and self.editor.text != self._saved.get(self.template)

    def show_market(self, tag: str) -> None:
        """Review another market's templates (unsaved edits are kept for when the reviewer comes back)."""
        try:
            market = self.workspace.campaign.market(tag)
        except OutreachError as exc:
            self._fail("Cannot review", exc)
            return
        self._stash_draft()
        self.tag, self.template = market.tag, None
        self._saved.clear()
        self.reload()

    def _stash_draft(self) -> None:
        if self.template is not None and self.edited:
            self._drafts[(self.tag, self.template)] = self.editor.text

    def reload(self) -> None:
        """Read the market's templates, approvals, prospects and brief again, off the UI thread."""
        self._load(self.tag)

    @work(thread=True, exclusive=True, group="review-load")
    def _load(self, tag: str) -> None:
        campaign, store = self.workspace.campaign, self.workspace.store
        try:
            with store.transaction() as session:
                states = template_drafts.market_templates(session, campaign, tag)
                prospects = template_drafts.market_prospects(session, campaign, tag)
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._fail, "Cannot load the review", exc)
            return
        prospects = prospects or [sample_prospect(campaign.market(tag))]
        brief = review_text.brief_of(campaign.source.parent, tag)
        self.post_message(MarketLoaded(MarketData(tag, states, prospects, brief)))

    def _fail(self, title: str, exc: OutreachError | SQLAlchemyError) -> None:
        self.notify(failure_message(exc), title=title, severity="error", markup=False)

    @on(MarketLoaded)
    def _loaded(self, event: MarketLoaded) -> None:
        data = event.data
        if data.tag != self.tag:
            return
        self.states = {state.template: state for state in data.states}
        self.preview.set_prospects(data.prospects)
        self.query_one("#review-brief", Markdown).update(data.brief)
        self._fill_templates()
        self._open(self.template if self.template in self.states else FIRST_TEMPLATE)

    def _fill_templates(self) -> None:
        templates = self.query_one("#review-templates", OptionList)
        with self.prevent(OptionList.OptionHighlighted):
            templates.clear_options()
            templates.add_options(Option(review_text.template_label(state, edited=self._has_draft(name)),
                                         id=name) for name, state in self.states.items())

    def _has_draft(self, name: str) -> bool:
        return self.edited if name == self.template else (self.tag, name) in self._drafts

    @on(OptionList.OptionSelected, "#review-templates")
    @on(OptionList.OptionHighlighted, "#review-templates")
    def _template_chosen(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.template:
            self._open(event.option.id)

    def _open(self, name: str) -> None:
        """Put a template in the editor: its unsaved draft if there is one, else the text on disk."""
        state = self.states.get(name)
        if state is None:
            return
        on_disk = state.source.text if state.source else ""
        if name == self.template:
            # A reload keeps the reviewer's unsaved text and cursor; clean text follows the disk.
            clean = not self.edited
            self._saved[name] = on_disk
            if clean and self.editor.text != on_disk:
                self._load_text(on_disk)
        else:
            self._stash_draft()
            self.template = name
            self._saved[name] = on_disk
            self._load_text(self._drafts.pop((self.tag, name), on_disk))
        with self.prevent(OptionList.OptionHighlighted):
            self.query_one("#review-templates", OptionList).highlighted = list(self.states).index(name)
        self._update_status()
        self._schedule(0)

    def _load_text(self, text: str) -> None:
        """Replace the editor's text without it counting as typing (the caller checks it)."""
        with self.prevent(TextArea.Changed):
            self.editor.load_text(text)

    def _update_status(self) -> None:
        if self.template is None:
            return
        state = self.states[self.template]
        status = review_text.status_line(state, self.workspace.campaign.source.parent, edited=self.edited)
        self.query_one("#review-status", Static).update(status)
        templates = self.query_one("#review-templates", OptionList)
        index = list(self.states).index(self.template)
        templates.replace_option_prompt_at_index(index, review_text.template_label(state, edited=self.edited))

    @on(TextArea.Changed, "#review-editor")
    def _typed(self) -> None:
        self._update_status()
        self._schedule(PREVIEW_DELAY)

    @on(Select.Changed, "#review-prospect")
    def _prospect_chosen(self) -> None:
        self._schedule(0)

    def _schedule(self, delay: float) -> None:
        """Check the editor's text once typing pauses (debounced)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self._start_check) if delay else None
        if not delay:
            self._start_check()

    def _start_check(self) -> None:
        prospect = self.preview.prospect
        if self.template is None or prospect is None:
            return
        if self.states[self.template].source is None:
            self.preview.show_error(self.states[self.template].note)
            return
        self._generation += 1
        self._check(self._generation, self.tag, self.template, self.editor.text, prospect)

    @work(thread=True, exclusive=True, group="review-check")
    def _check(self, generation: int, tag: str, name: str, text: str, prospect: Prospect) -> None:
        try:
            check = template_drafts.check_draft(self.workspace.campaign, tag, name, text, prospect,
                                                today=self._today)
        except OutreachError as exc:
            self.post_message(DraftChecked(generation, prospect, exc))
            return
        self.post_message(DraftChecked(generation, prospect, check))

    @on(DraftChecked)
    def _checked(self, event: DraftChecked) -> None:
        if event.generation != self._generation or self.template is None:
            return
        if isinstance(event.result, DraftCheck):
            self.preview.show(event.result, event.prospect, self.template)
        else:
            self.preview.show_error(event.result)

    @on(PreviewPanel.LineChosen)
    def _line_chosen(self, event: PreviewPanel.LineChosen) -> None:
        """Put the editor's cursor on the finding's line."""
        self.editor.cursor_location = (event.line - 1, 0)
        self.editor.focus()

    def action_save(self) -> None:
        """Save the editor's text to the template's file."""
        if self.template is None:
            return
        source = self.states[self.template].source
        self._save(self.tag, self.template, self.editor.text, source.content_hash if source else None)

    @work(thread=True, group="review-write")
    def _save(self, tag: str, name: str, text: str, expected_hash: str | None) -> None:
        try:
            saved = template_drafts.save_draft(self.workspace.campaign, tag, name, text,
                                               expected_hash=expected_hash)
        except OutreachError as exc:
            self.app.call_from_thread(self._fail, "Not saved", exc)
            return
        self.post_message(TemplateRecorded(tag, name, text, f"Saved {saved.path}"))

    def action_approve(self) -> None:
        """Approve the saved text of the template in the editor."""
        self._decide("approved")

    def action_reject(self) -> None:
        """Reject the saved text of the template in the editor, with the comment."""
        self._decide("rejected")

    @on(DecisionBar.Decided)
    def _decided(self, event: DecisionBar.Decided) -> None:
        self._decide(event.decision)

    def _decide(self, decision: Decision) -> None:
        if self.template is None:
            return
        source = self.states[self.template].source
        if source is None:
            self.notify(f"{self.tag} has no {self.template} template", severity="error", markup=False)
        elif self.edited:
            self.notify("Save the template first (ctrl+s): a decision covers the text on disk",
                        title="Unsaved changes", severity="warning")
        else:
            comment = self.query_one(DecisionBar).comment
            self._record(decision, self.tag, self.template, source.content_hash, comment)

    @work(thread=True, group="review-write")
    def _record(self, decision: Decision, tag: str, name: str, expected_hash: str, comment: str) -> None:
        workspace, reviewer = self.workspace, self.workspace.settings.user
        try:
            with workspace.store.transaction() as session:
                state = template_drafts.decide(session, workspace.campaign, tag, name, decision, reviewer,
                                               comment, expected_hash=expected_hash, today=self._today)
        except (OutreachError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._fail, f"Not {decision}", exc)
            return
        self.post_message(TemplateRecorded(tag, name, None, f"{tag} {name}: {state.state} by {reviewer}"))

    @on(TemplateRecorded)
    def _recorded(self, event: TemplateRecorded) -> None:
        if event.tag != self.tag:
            return
        if event.text is not None:
            self._saved[event.name] = event.text
        else:
            self.query_one(DecisionBar).clear()
        self.notify(event.notice, title="Review", markup=False)
        self.reload()

    def action_toggle_brief(self) -> None:
        """Show or hide the brief."""
        self._brief_toggled = not self._brief_toggled
        self._show_brief()

    def action_reload(self) -> None:
        """Key binding for reload()."""
        self.reload()

