"""A reviewer's unsaved edit of a template: checked and previewed as if saved, then saved atomically.

The draft replaces one file's text in an overlay of the locale folders, so the same renderer and
QA checks that judge saved templates judge the draft, for every market that takes that file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from sqlmodel import Session, col, select

from outreach.core import qa, review
from outreach.core.campaign import Campaign
from outreach.core.locale_folders import MESSAGES, SUBJECT, Library, TemplateSource, content_hash
from outreach.core.models import CampaignRecord, Prospect
from outreach.core.review import ApprovalState
from outreach.core.templates import RenderedMessage, Renderer
from outreach.core.workspace import write_atomically
from outreach.errors import OutreachError, ReviewError

Decision = Literal["approved", "rejected"]
PREVIEW_PROSPECTS = 200
"""Prospects offered to preview for: a reviewer picks among a few, and a market may have 100,000."""


class DraftLibrary(Library):
    """A workspace's locale folders, with one template file's text replaced by an unsaved draft."""

    def __init__(self, workspace: Path, path: Path, text: str) -> None:
        super().__init__(workspace)
        self.draft_path = path
        """The template file the draft would be saved to."""
        self.draft_text = text
        """The text in the editor."""

    def resolve(self, tag: str, name: str) -> TemplateSource:
        """The template as on disk, or the draft when the market takes it from the draft's file."""
        source = super().resolve(tag, name)
        if source.path != self.draft_path:
            return source
        return replace(source, text=self.draft_text,
                       content_hash=content_hash(self.draft_text, self.market_settings(tag)))


@dataclass(frozen=True)
class DraftCheck:
    """What a reviewer sees next to a draft: its QA findings and the message it renders."""

    source: TemplateSource
    """The draft as the market resolves it (the hash it would have once saved)."""
    findings: list[qa.Finding]
    message: RenderedMessage | None
    """The message rendered for the chosen prospect; None when it failed."""
    error: OutreachError | None
    """Why it did not render for that prospect (file and line for a template error)."""


def template_source(campaign: Campaign, tag: str, name: str) -> TemplateSource:
    """A market's template as it is on disk now (read afresh, never from a cache)."""
    return Library(campaign.source.parent).resolve(campaign.market(tag).tag, name)


def previewed_message(name: str) -> str:
    """The message to preview for a template: the pitch for the subject, else the template itself."""
    return MESSAGES[0] if name == SUBJECT else name


def check_draft(campaign: Campaign, tag: str, name: str, text: str, prospect: Prospect, *,
                today: date | None = None) -> DraftCheck:
    """QA findings for `text` as the market's template `name`, and the message it renders for `prospect`."""
    renderer = _draft_renderer(campaign, tag, name, text)
    findings = qa.check_template(renderer, tag, name, today=today)
    source = renderer.library.resolve(campaign.market(tag).tag, name)
    try:
        message = renderer.render(tag, prospect, message=previewed_message(name))
    except OutreachError as exc:
        return DraftCheck(source, findings, None, exc)
    return DraftCheck(source, findings, message, None)


def save_draft(campaign: Campaign, tag: str, name: str, text: str, *,
               expected_hash: str | None = None) -> TemplateSource:
    """Write `text` to the template's file if it compiles; TemplateError (file, line) leaves it untouched.

    `expected_hash` is the hash of the text the editor was opened on: if the file changed on disk
    since, saving would overwrite someone else's edit, so it is refused.
    """
    on_disk = template_source(campaign, tag, name)
    if expected_hash and on_disk.content_hash != expected_hash:
        raise ReviewError(f"{on_disk.path} changed on disk since you opened it (content "
                          f"{on_disk.short_hash}); reload it and edit again")
    _draft_renderer(campaign, tag, name, text).compile(tag, name)
    mode = stat.S_IMODE(on_disk.path.stat().st_mode)
    write_atomically(on_disk.path, text)
    os.chmod(on_disk.path, mode)  # the temporary file was private; keep the template's permissions
    return template_source(campaign, tag, name)


def _draft_renderer(campaign: Campaign, tag: str, name: str, text: str) -> Renderer:
    """A renderer whose library holds `text` in place of the file the market takes `name` from."""
    path = template_source(campaign, tag, name).path
    return Renderer(campaign, library=DraftLibrary(campaign.source.parent, path, text))


def market_templates(session: Session, campaign: Campaign, tag: str) -> list[ApprovalState]:
    """Each template a market sends (required ones first) with its approval state for the text on disk."""
    library = Library(campaign.source.parent)
    market = campaign.market(tag).tag
    return [review.approval_state(session, campaign, market, name, library=library)
            for name in library.template_names(market)]


def market_prospects(session: Session, campaign: Campaign, tag: str, *,
                     limit: int = PREVIEW_PROSPECTS) -> list[Prospect]:
    """A market's first prospects to preview for, in id order; none while the store lacks the campaign."""
    campaign_id = session.exec(select(CampaignRecord.id).where(CampaignRecord.slug == campaign.id)).first()
    if campaign_id is None:
        return []
    market = campaign.market(tag).tag
    query = select(Prospect).where(Prospect.campaign_id == campaign_id, Prospect.market == market)
    return list(session.exec(query.order_by(col(Prospect.id)).limit(limit)).all())


def decide(session: Session, campaign: Campaign, tag: str, name: str, decision: Decision, reviewer: str,
           comment: str, *, expected_hash: str, today: date | None = None) -> ApprovalState:
    """Approve or reject the saved text the reviewer saw (by its hash), as `outreach review` does."""
    library = Library(campaign.source.parent)
    if decision == "approved":
        return review.approve(session, Renderer(campaign, library=library), tag, name, reviewer,
                              expected_hash=expected_hash, actor=reviewer, comment=comment, today=today)
    return review.reject(session, campaign, tag, name, reviewer, comment, library=library,
                         expected_hash=expected_hash, actor=reviewer)
