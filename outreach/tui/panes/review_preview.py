"""The review pane's preview: a prospect to render for, the rendered message, and QA findings beside it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from outreach.core import qa
from outreach.core.models import Prospect
from outreach.core.template_drafts import DraftCheck
from outreach.errors import OutreachError
from outreach.tui.panes import review_text


class PreviewPanel(Horizontal):
    """The preview on the left, the findings on the right; choosing a finding asks to show its line."""

    class LineChosen(Message):
        """The reviewer chose a finding that names a template line."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.prospects: list[Prospect] = []
        self.findings: list[qa.Finding] = []

    def compose(self) -> ComposeResult:
        """Prospect choice and preview, then the findings."""
        with Vertical(id="review-preview-column"):
            yield Select[int]([], id="review-prospect", prompt="Prospect", compact=True,
                              tooltip="Preview the message for this prospect")
            with VerticalScroll(id="review-preview-scroll"):
                yield Static("", id="review-preview")
        yield OptionList(id="review-findings")

    def on_mount(self) -> None:
        """Title the findings list."""
        self.query_one("#review-findings", OptionList).border_title = "QA"

    def set_prospects(self, prospects: list[Prospect]) -> None:
        """Offer these prospects, choosing the first (without announcing a change)."""
        self.prospects = prospects
        select = self.query_one("#review-prospect", Select)
        with self.prevent(Select.Changed):
            select.set_options((Text(review_text.prospect_label(prospect)), index)
                               for index, prospect in enumerate(prospects))
            select.value = 0

    @property
    def prospect(self) -> Prospect | None:
        """The prospect chosen to render for."""
        choice = self.query_one("#review-prospect", Select).value
        index = choice if isinstance(choice, int) else 0
        return self.prospects[index] if index < len(self.prospects) else None

    def show(self, check: DraftCheck, prospect: Prospect, template: str) -> None:
        """The rendered message and every finding, each naming its line (or the template)."""
        self.query_one("#review-preview", Static).update(review_text.preview_text(check, prospect))
        self._fill(check.findings, template)

    def show_error(self, error: OutreachError | str) -> None:
        """Why nothing could be checked (a missing template, a broken locale.toml or brief)."""
        self.query_one("#review-preview", Static).update(Text(str(error), style="red"))
        self._fill([], "")

    def _fill(self, findings: list[qa.Finding], template: str) -> None:
        self.findings = findings
        listing = self.query_one("#review-findings", OptionList)
        listing.clear_options()
        listing.add_options(Option(review_text.finding_label(finding, template), id=str(number))
                            for number, finding in enumerate(findings))
        errors = sum(1 for finding in findings if finding.severity == "error")
        listing.border_title = (f"QA: {errors} error(s), {len(findings) - errors} warning(s)" if findings
                                else "QA: no findings")

    @on(OptionList.OptionSelected, "#review-findings")
    def _finding_chosen(self, event: OptionList.OptionSelected) -> None:
        line = self.findings[int(event.option.id)].line if event.option.id is not None else None
        if line:
            self.post_message(self.LineChosen(line))
