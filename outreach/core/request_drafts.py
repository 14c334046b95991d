"""A link request before it is stored: the rule gate's live verdict and the localised pitch it would send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from outreach.core import gate, requests
from outreach.core.approvals import render_for_approval, template_states
from outreach.core.campaign import Campaign
from outreach.core.findings import Finding, Verdict, blocking, worst
from outreach.core.gate_queries import RequestRow
from outreach.core.models import LinkRequest
from outreach.core.previews import load_prospect
from outreach.core.templates import RenderedMessage, Renderer
from outreach.errors import RequestError

UNSTORED = 0
"""The id a draft checked before it is stored carries (no stored request has id 0)."""


@dataclass(frozen=True)
class Draft:
    """What a person is composing: a prospect, a target page, an anchor and the text around it."""

    prospect_id: int
    page_url: str
    anchor: str
    context: str | None = None
    template: str = "pitch"


@dataclass(frozen=True)
class DraftVerdict:
    """The gate's findings on a draft, its anchor class and the worst verdict."""

    anchor_class: str
    anchor_reason: str
    findings: list[Finding]

    @property
    def verdict(self) -> Verdict:
        """The most severe verdict that still counts."""
        return worst(self.findings)


def check_draft(session: Session, campaign: Campaign, campaign_id: int, draft: Draft, *,
                now: datetime | None = None) -> DraftVerdict:
    """The rule gate's findings on a request that is not stored yet (nothing is written)."""
    if not draft.anchor.strip():
        raise RequestError("the anchor text is empty")
    prospect = load_prospect(session, campaign_id, draft.prospect_id)
    anchor = requests.classify_anchor(campaign, prospect.market, draft.page_url, draft.anchor)
    row = RequestRow(UNSTORED, prospect.market, draft.prospect_id, draft.page_url.strip(),
                     draft.anchor.strip(), anchor.anchor_class.value, anchor.keyword, draft.context,
                     requests.context_language(campaign, draft.context), draft.template, prospect.locality,
                     "draft", None)
    found = gate.check_requests(session, campaign, campaign_id, [row], templates=template_states(session),
                                now=now)
    return DraftVerdict(anchor.anchor_class.value, anchor.reason, found[UNSTORED])


def check_stored(session: Session, campaign: Campaign, campaign_id: int, request: LinkRequest, *,
                 now: datetime | None = None) -> list[Finding]:
    """The rule gate's findings on a stored request, overrides included."""
    return gate.check_one(session, campaign, campaign_id, request, templates=template_states(session),
                          now=now)


def pitch_preview(session: Session, campaign: Campaign, campaign_id: int, draft: Draft,
                  renderer: Renderer | None = None) -> RenderedMessage:
    """The draft's pitch rendered in its market's language, exactly as it would be sent."""
    prospect = load_prospect(session, campaign_id, draft.prospect_id)
    return (renderer or Renderer(campaign)).render(prospect.market, prospect, message=draft.template,
                                                   page=draft.page_url.strip(), anchor=draft.anchor.strip())


def numbers_line(finding: Finding) -> str:
    """A finding's numbers as `name=value` pairs, for people who want to see the arithmetic."""
    return ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
                     for name, value in finding.numbers.items())


def approve_stored(session: Session, campaign: Campaign, campaign_id: int, request: LinkRequest,
                   actor: str) -> list[Finding]:
    """Approve a stored draft past the gate, freezing its pitch as rendered from approved text."""
    findings = check_stored(session, campaign, campaign_id, request)
    pitch = render_for_approval(session, campaign, request) if not blocking(findings) else None
    requests.approve(session, request, findings, actor, pitch=pitch)
    return findings
