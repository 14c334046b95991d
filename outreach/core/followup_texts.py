"""A follow-up's text: rendered for one prospect from approved text only, approvals read once per version.

Scheduling checks each market's follow-ups before it books them; the sender renders each one when the
message before it has gone, and checks the approval of the very text it rendered from.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from outreach.core import review
from outreach.core.campaign import Campaign
from outreach.core.locale_folders import SUBJECT, TemplateSource
from outreach.core.templates import RenderedMessage, Renderer
from outreach.errors import SendingError, TemplateError


def followup_name(number: int) -> str:
    """The template of the `number`th follow-up (1-based)."""
    return f"followup-{number}"


class FollowupTexts:
    """Follow-up bodies of a campaign's markets, refused unless their current text is approved."""

    def __init__(self, session: Session, campaign: Campaign, renderer: Renderer) -> None:
        self.session, self.campaign, self.renderer = session, campaign, renderer
        self._approved: dict[tuple[str, str, str, str], bool] = {}
        self._subjects: dict[str, TemplateSource] = {}
        self._refusals: dict[tuple[str, int], str | None] = {}

    def refusal(self, tag: str, number: int) -> str | None:
        """Why the follow-up's current text cannot go (not approved, does not compile), or None; read
        once per object (one scheduling run or one sender's pass)."""
        key = (tag, number)
        if key not in self._refusals:
            message = followup_name(number)
            try:
                self._require(tag, message, self._subject(tag), self.renderer.compile(tag, message)[0])
            except (SendingError, TemplateError) as exc:
                self._refusals[key] = str(exc)
            else:
                self._refusals[key] = None
        return self._refusals[key]

    def body(self, tag: str, number: int, context: dict[str, Any]) -> str:
        """The follow-up's body rendered with a prospect's context, from approved text only."""
        message = followup_name(number)
        source, text = self.renderer.render_template(tag, message, context)
        self._require(tag, message, self._subject(tag), source)
        return text.strip("\n") + "\n"

    def _subject(self, tag: str) -> TemplateSource:
        """The market's subject template as first read by this object (one run or pass)."""
        if tag not in self._subjects:
            self._subjects[tag] = self.renderer.compile(tag, SUBJECT)[0]
        return self._subjects[tag]

    def _require(self, tag: str, message: str, subject: TemplateSource, body: TemplateSource) -> None:
        """Refuse text whose approval does not cover these exact versions (looked up once per version)."""
        key = (tag, message, subject.content_hash, body.content_hash)
        if key not in self._approved:
            rendered = RenderedMessage(tag, message, "", "", subject, body)
            approval = review.rendered_approval(self.session, self.campaign, rendered,
                                                library=self.renderer.library)
            self._approved[key] = approval.sendable
        if not self._approved[key]:
            raise SendingError(f"{tag} {message} is not approved for its current text")
