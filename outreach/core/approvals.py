"""The template rule's question to native-speaker review: may this market send this message as it is?"""

from __future__ import annotations

from sqlmodel import Session

from outreach.core import review
from outreach.core.campaign import Campaign
from outreach.core.gate import TemplateStates
from outreach.core.gate_inputs import TemplateState
from outreach.core.locale_folders import Library
from outreach.core.models import LinkRequest, Prospect
from outreach.core.templates import RenderedMessage, Renderer
from outreach.errors import NotFoundError, RequestError


def template_states(session: Session) -> TemplateStates:
    """A provider of approval states for the rule gate, reading reviews in `session`."""

    def provide(campaign: Campaign, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], TemplateState]:
        library = Library(campaign.source.parent)
        return {(tag, name): _state(review.message_approval(session, campaign, tag, name, library=library))
                for tag, name in pairs}

    return provide


def _state(approval: review.MessageApproval) -> TemplateState:
    """A message's approval as the template rule reads it."""
    body = approval.parts[1]
    folder = body.source.folder if body.source else approval.market
    if approval.sendable:
        borrowed = f" (from {folder})" if folder != approval.market else ""
        return TemplateState(True, folder, f"{approval.market} {approval.message} and its subject are "
                                           f"approved for their current text{borrowed}")
    return TemplateState(False, folder, "; ".join(approval.reasons))


def render_for_approval(session: Session, campaign: Campaign, request: LinkRequest,
                        renderer: Renderer | None = None) -> RenderedMessage:
    """The request's pitch rendered now, refused unless it comes from approved text (checked by hash)."""
    prospect = session.get(Prospect, request.prospect_id)
    if prospect is None:
        raise NotFoundError(f"request #{request.id}: prospect #{request.prospect_id} no longer exists")
    rendered = (renderer or Renderer(campaign)).render(request.market, prospect, message=request.template,
                                                      page=request.page_url, anchor=request.anchor)
    approval = review.rendered_approval(session, campaign, rendered)
    if not approval.sendable:
        raise RequestError(f"request #{request.id}: its {request.template} cannot be sent: "
                           + "; ".join(approval.reasons))
    return rendered
