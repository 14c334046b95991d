"""What the review pane's workers report back to it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from outreach.core.models import Prospect
from outreach.core.review import ApprovalState
from outreach.core.template_drafts import DraftCheck
from outreach.errors import OutreachError


@dataclass
class MarketData:
    """What the pane shows of one market."""

    tag: str
    states: list[ApprovalState]
    prospects: list[Prospect]
    brief: str
    """The brief as Markdown."""


class MarketLoaded(Message):
    """A market's templates, prospects and brief were read."""

    def __init__(self, data: MarketData) -> None:
        super().__init__()
        self.data = data


class DraftChecked(Message):
    """The editor's text was checked and rendered for a prospect (or could not be)."""

    def __init__(self, generation: int, prospect: Prospect, result: DraftCheck | OutreachError) -> None:
        super().__init__()
        self.generation = generation
        """Which check this answers: only the latest one is shown."""
        self.prospect, self.result = prospect, result


class TemplateRecorded(Message):
    """A template was saved (`text` is what was written) or decided on (`text` is None)."""

    def __init__(self, tag: str, name: str, text: str | None, notice: str) -> None:
        super().__init__()
        self.tag, self.name, self.text, self.notice = tag, name, text, notice
