"""The placement log: links that went live, kept in step with the rule gate's tallies."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from outreach.core import audit, tally
from outreach.core.anchors import AnchorClassifier, AnchorVerdict
from outreach.core.campaign import Campaign, TargetPage
from outreach.core.geo import host_of, split_host
from outreach.core.models import PLACEMENT_STATUSES, LinkRequest, Placement
from outreach.errors import RequestError

RELS = ("follow", "nofollow", "sponsored", "ugc")
"""What a placement's link passes: followed, or one of the rel values that stop it."""


def placement_from_request(request: LinkRequest, *, source_url: str, found_on: date, actor: str,
                           language: str | None, country: str | None) -> Placement:
    """A live placement for a won request: its page, anchor and locality, at `source_url`."""
    return Placement(
        campaign_id=request.campaign_id, market=request.market, page_url=request.page_url,
        source_url=source_url, source_domain=split_host(host_of(source_url)).registered_domain,
        anchor=request.anchor, anchor_class=request.anchor_class,
        anchor_keyword=request.anchor_keyword, language=language, country=country,
        locality=request.locality, found_on=found_on, placed_by=actor, request_id=request.id,
        origin="request")


def record(session: Session, placement: Placement, actor: str) -> Placement:
    """Add a placement (counted when live), with its audit entry."""
    if placement.status not in PLACEMENT_STATUSES:
        raise RequestError(f"unknown placement status '{placement.status}'")
    session.add(placement)
    session.flush()
    if placement.status == "live":
        tally.bump(session, tally.placement_entry(placement), +1)
    audit.record(session, actor=actor, action="placement.record", object_type="placement",
                 object_id=str(placement.id), campaign_id=placement.campaign_id,
                 detail={"source_url": placement.source_url, "page_url": placement.page_url,
                         "anchor": placement.anchor})
    return placement


def set_status(session: Session, placement: Placement, status: str, actor: str) -> None:
    """Mark a placement live or lost; the tallies follow."""
    if status not in PLACEMENT_STATUSES:
        raise RequestError(f"unknown placement status '{status}' (use {', '.join(PLACEMENT_STATUSES)})")
    if status == placement.status:
        return
    before = placement.status
    placement.status = status
    session.add(placement)
    tally.bump(session, tally.placement_entry(placement), +1 if status == "live" else -1)
    audit.record(session, actor=actor, action="placement.status", object_type="placement",
                 object_id=str(placement.id), campaign_id=placement.campaign_id,
                 detail={"from": before, "to": status})


def classify_anchor(campaign: Campaign, market: str, page_url: str, anchor: str) -> AnchorVerdict:
    """An anchor's class on a page, with the classifier the rule gate uses (built once per campaign)."""
    page = campaign.find_page(page_url) or TargetPage(url=page_url, market=market, hreflang=market)
    near = campaign.rules_for(market).anchor_mix.near_match
    classifier = campaign.derived(f"anchors:{near}", lambda: AnchorClassifier(campaign, near))
    return classifier.classify(anchor, page)


def change_anchor(session: Session, campaign: Campaign, placement: Placement, anchor: str,
                  actor: str) -> None:
    """Record the anchor a link now has, reclassified; a live placement moves in the tallies."""
    verdict = classify_anchor(campaign, placement.market, placement.page_url, anchor)
    if placement.status == "live":
        tally.bump(session, tally.placement_entry(placement), -1)
    before = placement.anchor
    placement.anchor, placement.anchor_class = anchor, verdict.anchor_class.value
    placement.anchor_keyword = verdict.keyword
    session.add(placement)
    if placement.status == "live":
        tally.bump(session, tally.placement_entry(placement), +1)
    audit.record(session, actor=actor, action="placement.anchor", object_type="placement",
                 object_id=str(placement.id), campaign_id=placement.campaign_id,
                 detail={"from": before, "to": anchor, "anchor_class": placement.anchor_class})


def details_of_win(session: Session, placement: Placement, actor: str, *, reason: str | None = None,
                   rel: str | None = None, cost: float | None = None, currency: str | None = None) -> None:
    """Add what the person logging a win knows: why the source was chosen, the rel, the price."""
    if rel is not None and rel not in RELS:
        raise RequestError(f"unknown rel '{rel}' (use {', '.join(RELS)})")
    if cost is not None and cost < 0:
        raise RequestError("a cost cannot be negative")
    if currency is not None and not (len(currency) == 3 and currency.isalpha()):
        raise RequestError(f"'{currency}' is not an ISO 4217 currency code like MXN or EUR")
    placement.reason = reason or placement.reason
    placement.rel = rel or placement.rel
    placement.cost = cost if cost is not None else placement.cost
    placement.cost_currency = currency.upper() if currency else placement.cost_currency
    session.add(placement)
    audit.record(session, actor=actor, action="placement.details", object_type="placement",
                 object_id=str(placement.id), campaign_id=placement.campaign_id,
                 detail={"reason": placement.reason, "rel": placement.rel, "cost": placement.cost,
                         "currency": placement.cost_currency})
