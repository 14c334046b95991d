"""Previews for reviewers: a market's messages rendered for its prospects, every failure collected."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from outreach.core.campaign import TargetPage
from outreach.core.locale_folders import SUBJECT
from outreach.core.models import Prospect
from outreach.core.templates import RenderedMessage, Renderer
from outreach.errors import NotFoundError, TemplateError


@dataclass(frozen=True)
class PreviewFailure:
    """One message that did not render for one prospect."""

    prospect: Prospect
    message: str
    error: TemplateError


@dataclass
class Preview:
    """What `render --all` shows: every rendered message and every failure."""

    rendered: list[tuple[Prospect, RenderedMessage]] = field(default_factory=list)
    failures: list[PreviewFailure] = field(default_factory=list)


def market_prospects(session: Session, campaign_id: int, tag: str) -> list[Prospect]:
    """A market's prospects in id order."""
    query = select(Prospect).where(Prospect.campaign_id == campaign_id, Prospect.market == tag)
    return list(session.exec(query.order_by(col(Prospect.id))).all())


def load_prospect(session: Session, campaign_id: int, prospect_id: int) -> Prospect:
    """One prospect of the campaign (the renderer checks it belongs to the market rendered)."""
    prospect = session.get(Prospect, prospect_id)
    if prospect is None or prospect.campaign_id != campaign_id:
        raise NotFoundError(f"no prospect {prospect_id} in this campaign")
    return prospect


def message_names(renderer: Renderer, tag: str) -> list[str]:
    """The messages a market can send: pitch, follow-ups and any extra template, not the subject."""
    return [name for name in renderer.library.template_names(tag) if name != SUBJECT]


def preview(renderer: Renderer, tag: str, prospects: Sequence[Prospect], messages: Sequence[str], *,
            page: TargetPage | str | None = None, anchor: str | None = None) -> Preview:
    """Render each message for each prospect, collecting failures instead of stopping at the first."""
    result = Preview()
    for prospect in prospects:
        context = renderer.context(tag, prospect, page, anchor)
        for message in messages:
            try:
                result.rendered.append((prospect, renderer.render_with(tag, message, context)))
            except TemplateError as exc:
                result.failures.append(PreviewFailure(prospect, message, exc))
    return result
