"""Link requests: create, approve (only past the gate), override with a reason, move through states."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, col, select

from outreach.core import audit, placements, tally
from outreach.core.anchors import AnchorClassifier, AnchorVerdict
from outreach.core.campaign import Campaign, TargetPage
from outreach.core.findings import NOT_OVERRIDABLE, RULES, Finding, blocking
from outreach.core.language import COMMON_LANGUAGES, detect_language
from outreach.core.models import OPEN_REQUEST_STATES, LinkRequest, Placement, Prospect, RuleOverride, utcnow
from outreach.core.templates import RenderedMessage
from outreach.errors import GateBlocked, NotFoundError, RequestError

MOVES: dict[str, frozenset[str]] = {
    "draft": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"draft", "scheduled", "cancelled"}),
    "scheduled": frozenset({"approved", "sending", "cancelled"}),
    "sending": frozenset({"sent", "scheduled", "cancelled"}),
    "sent": frozenset({"replied", "won", "lost"}),
    "replied": frozenset({"won", "lost"}),
    "won": frozenset(), "lost": frozenset(), "cancelled": frozenset(),
}
"""Allowed state changes; approval goes through `approve`, a win through `mark_won`."""


def classifier(campaign: Campaign, near_match: int) -> AnchorClassifier:
    """The campaign's anchor classifier for one near-match score, built once."""
    return campaign.derived(f"anchors:{near_match}", lambda: AnchorClassifier(campaign, near_match))


def _page_or_bare(campaign: Campaign, url: str, market: str) -> TargetPage:
    """The declared target page, or a keyword-less stand-in for a URL the campaign does not list."""
    return campaign.find_page(url) or TargetPage(url=url, market=market, hreflang=market)


def classify_anchor(campaign: Campaign, market: str, page_url: str, anchor: str) -> AnchorVerdict:
    """The class of an anchor aimed at a page, with the market's near-match setting."""
    page = _page_or_bare(campaign, page_url.strip(), market)
    near = campaign.rules_for(market).anchor_mix.near_match
    return classifier(campaign, near).classify(anchor, page)


def context_language(campaign: Campaign, context: str | None) -> str | None:
    """The language of the text around an anchor, among the campaign's and common ones."""
    detected = detect_language(context, {*campaign.languages, *COMMON_LANGUAGES}) if context else None
    return detected.language if detected else None


def create(session: Session, campaign: Campaign, campaign_id: int, *, prospect_id: int, page_url: str,
           anchor: str, actor: str, context: str | None = None, template: str = "pitch") -> LinkRequest:
    """A draft request for a prospect of this campaign; the anchor is classified once, here."""
    prospect = session.get(Prospect, prospect_id)
    if prospect is None or prospect.campaign_id != campaign_id:
        raise NotFoundError(f"no prospect #{prospect_id} in campaign {campaign.id}")
    if not anchor.strip():
        raise RequestError("the anchor text is empty")
    url = page_url.strip()
    verdict = classify_anchor(campaign, prospect.market, url, anchor)
    detected = context_language(campaign, context)
    request = LinkRequest(
        campaign_id=campaign_id, market=prospect.market, prospect_id=prospect_id, page_url=url,
        anchor=anchor.strip(), anchor_class=verdict.anchor_class.value, anchor_keyword=verdict.keyword,
        context=context, context_language=detected, template=template,
        locality=prospect.locality, created_by=actor)
    session.add(request)
    session.flush()
    audit.record(session, actor=actor, action="request.create", object_type="request",
                 object_id=str(request.id), campaign_id=campaign_id,
                 detail={"prospect": prospect_id, "page": url, "anchor": request.anchor,
                         "anchor_class": request.anchor_class})
    return request


def get(session: Session, campaign_id: int, request_id: int) -> LinkRequest:
    """A request of this campaign; NotFoundError otherwise."""
    request = session.get(LinkRequest, request_id)
    if request is None or request.campaign_id != campaign_id:
        raise NotFoundError(f"no request #{request_id} in this campaign")
    return request


def pending(session: Session, campaign_id: int, market: str | None = None,
            states: Sequence[str] = ("draft", *OPEN_REQUEST_STATES)) -> list[LinkRequest]:
    """Requests still in play (drafts and open ones), oldest first."""
    query = select(LinkRequest).where(col(LinkRequest.campaign_id) == campaign_id,
                                      col(LinkRequest.state).in_(states))
    if market is not None:
        query = query.where(col(LinkRequest.market) == market)
    return list(session.exec(query.order_by(col(LinkRequest.id))).all())


def approve(session: Session, request: LinkRequest, findings: list[Finding], actor: str,
            now: datetime | None = None, pitch: RenderedMessage | None = None) -> None:
    """Approve a draft whose findings hold no unoverridden block; it starts counting today.

    `pitch` is the message as rendered from approved text: its subject and body are frozen on the
    request, and they are what will be sent.
    """
    if request.state != "draft":
        raise RequestError(f"request #{request.id} is {request.state}; only drafts can be approved")
    stopping = blocking(findings)
    if stopping:
        assert request.id is not None
        raise GateBlocked(request.id, [str(finding) for finding in stopping])
    moment = now or utcnow()
    request.approved_by, request.approved_at, request.counted_on = actor, moment, moment.date()
    if pitch is not None:
        request.subject, request.body = pitch.subject, pitch.body
    _set_state(session, request, "approved", actor, {"verdicts": _verdicts(findings)})


def _verdicts(findings: list[Finding]) -> dict[str, str]:
    """Each rule's verdict, recorded with the approval."""
    return {f.rule: ("overridden" if f.override else f.verdict.value) for f in findings}


def move(session: Session, request: LinkRequest, state: str, actor: str, reason: str | None = None) -> None:
    """Change a request's state along MOVES, keeping the tallies in step."""
    if state == "approved" and request.state == "draft":
        raise RequestError("use approve: drafts are approved only past the rule gate")
    if state not in MOVES.get(request.state, frozenset()):
        raise RequestError(f"request #{request.id} cannot go from {request.state} to {state}")
    _set_state(session, request, state, actor, {"reason": reason} if reason else {})


def _set_state(session: Session, request: LinkRequest, state: str, actor: str,
               detail: dict[str, object]) -> None:
    """Record the new state, its tally change and its audit entry in the session's transaction."""
    was_open, now_open = request.state in OPEN_REQUEST_STATES, state in OPEN_REQUEST_STATES
    if was_open and not now_open:
        tally.bump(session, tally.request_entry(request), -1)
    before, request.state, request.updated_at = request.state, state, utcnow()
    if now_open and not was_open:
        tally.bump(session, tally.request_entry(request), +1)
    if state == "draft":
        request.counted_on = None
    session.add(request)
    audit.record(session, actor=actor, action="request.state", object_type="request",
                 object_id=str(request.id), campaign_id=request.campaign_id,
                 detail={"from": before, "to": state, **detail})


def override(session: Session, request: LinkRequest, rule: str, reason: str, actor: str) -> RuleOverride:
    """Let one blocking rule through for this request, with a reason, recorded and audited."""
    if rule not in RULES:
        raise RequestError(f"unknown rule '{rule}' (rules: {', '.join(RULES)})")
    if rule in NOT_OVERRIDABLE:
        raise RequestError(f"'{rule}' cannot be overridden")
    if len(reason.strip()) < 5:
        raise RequestError("an override needs a reason (a sentence a colleague will understand)")
    found = session.exec(select(RuleOverride).where(
        col(RuleOverride.request_id) == request.id, col(RuleOverride.rule) == rule)).first()
    entry = found or RuleOverride(request_id=request.id or 0, rule=rule, reason="", actor=actor)
    entry.reason, entry.actor, entry.at = reason.strip(), actor, utcnow()
    session.add(entry)
    audit.record(session, actor=actor, action="request.override", object_type="request",
                 object_id=str(request.id), campaign_id=request.campaign_id,
                 detail={"rule": rule, "reason": entry.reason})
    return entry


def mark_won(session: Session, request: LinkRequest, *, source_url: str, actor: str,
             found_on: date | None = None) -> Placement:
    """Close a request as won and log its placement: it moves from the request to the placement tally."""
    if "won" not in MOVES.get(request.state, frozenset()):
        raise RequestError(f"request #{request.id} is {request.state}; only sent or replied ones can be won")
    prospect = session.get(Prospect, request.prospect_id)
    _set_state(session, request, "won", actor, {"source_url": source_url})
    placement = placements.placement_from_request(
        request, source_url=source_url, found_on=found_on or utcnow().date(), actor=actor,
        language=prospect.language if prospect else None, country=prospect.country if prospect else None)
    return placements.record(session, placement, actor)


def erase_for_prospects(session: Session, prospect_ids: Sequence[int]) -> int:
    """Delete the requests of prospects being forgotten: open ones leave the tallies first, their
    placements keep the link but lose the reference, and their overrides go with them."""
    if not prospect_ids:
        return 0
    query = select(LinkRequest).where(col(LinkRequest.prospect_id).in_(prospect_ids))
    doomed = list(session.exec(query).all())
    ids = [request.id for request in doomed]
    for request in doomed:
        if request.state in OPEN_REQUEST_STATES:
            tally.bump(session, tally.request_entry(request), -1)
    for placement in session.exec(select(Placement).where(col(Placement.request_id).in_(ids))).all():
        placement.request_id = None
        session.add(placement)
    for entry in session.exec(select(RuleOverride).where(col(RuleOverride.request_id).in_(ids))).all():
        session.delete(entry)
    session.flush()
    for request in doomed:
        session.delete(request)
    session.flush()
    return len(doomed)
