"""Running the rule gate against the store: one snapshot per batch, then pure rule checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session, col

from outreach.core import rules, tally
from outreach.core.anchors import AnchorClass
from outreach.core.campaign import Campaign
from outreach.core.findings import Finding, Override
from outreach.core.gate_inputs import Contact, ProspectFacts, Snapshot, Subject, TemplateState
from outreach.core.models import (
    OPEN_REQUEST_STATES,
    CampaignRecord,
    DoNotContact,
    LinkRequest,
    Placement,
    Prospect,
    RuleOverride,
    Suppression,
    utcnow,
)
from outreach.core.places import index_for
from outreach.core.text import fold

TemplateStates = Callable[[Campaign, set[tuple[str, str]]], dict[tuple[str, str], TemplateState]]
"""Reads the approval state of (market tag, template name) pairs; the review module provides it."""

_HISTORY_DAYS = 7 * 9  # eight trailing weeks for spikes, plus the current one
_CHUNK = 900  # stays under SQLite's bound-parameter limit


def load_snapshot(session: Session, campaign: Campaign, campaign_id: int, *,
                  templates: TemplateStates, pairs: set[tuple[str, str]],
                  now: datetime | None = None) -> Snapshot:
    """Everything the rules read about the store, in a fixed number of queries."""
    moment = now or utcnow()
    snap = Snapshot(campaign, moment, campaign.derived("places", lambda: index_for(campaign)))
    snap.classes = tally.page_class_counts(session, campaign_id)
    snap.localities = tally.page_locality_counts(session, campaign_id)
    snap.daily = tally.daily_counts(session, campaign_id, snap.today - timedelta(days=_history(campaign)))
    snap.since_launch = {m.tag: tally.totals_since_launch(session, campaign_id, m.tag, m.launched)
                         for m in campaign.markets.values() if m.launched}
    snap.exact_keywords = _exact_keywords(session, campaign_id)
    _load_contact_lists(session, snap)
    snap.contacts = _recent_contacts(session, campaign, moment)
    snap.templates = templates(campaign, pairs)
    return snap


def _history(campaign: Campaign) -> int:
    """Days of daily counts the pace rules need."""
    windows = [campaign.rules_for(tag).one_language_swamp.window_days for tag in campaign.markets]
    return max([_HISTORY_DAYS, 30, *windows])


def _exact_keywords(session: Session, campaign_id: int) -> dict[str, Counter[str]]:
    """Folded exact-match keywords per page, from live placements and open requests."""
    exact = AnchorClass.EXACT.value
    found: dict[str, Counter[str]] = {}
    queries = [
        select(col(Placement.page_url), col(Placement.anchor_keyword)).where(
            col(Placement.campaign_id) == campaign_id, col(Placement.anchor_class) == exact,
            col(Placement.status) == "live"),
        select(col(LinkRequest.page_url), col(LinkRequest.anchor_keyword)).where(
            col(LinkRequest.campaign_id) == campaign_id, col(LinkRequest.anchor_class) == exact,
            col(LinkRequest.state).in_(OPEN_REQUEST_STATES)),
    ]
    for query in queries:
        for page_url, keyword in session.execute(query):
            found.setdefault(page_url, Counter())[fold(keyword or "")] += 1
    return found


def _load_contact_lists(session: Session, snap: Snapshot) -> None:
    """Do-not-contact entries and suppressed digests (store-wide, every campaign)."""
    for kind, value in session.execute(select(col(DoNotContact.kind), col(DoNotContact.value))):
        (snap.dnc_emails if kind == "email" else snap.dnc_domains).add(value.lower())
    snap.suppressed = set(session.execute(select(col(Suppression.digest))).scalars())


def _recent_contacts(session: Session, campaign: Campaign, now: datetime) -> dict[str, list[Contact]]:
    """Open requests and pitches within the longest cooldown, by domain and by address, store-wide."""
    longest = max(campaign.rules_for(tag).cooldown.days for tag in campaign.markets)
    query = (select(col(LinkRequest.id), col(LinkRequest.state), col(LinkRequest.pitched_at),
                    col(CampaignRecord.slug), col(Prospect.domain), col(Prospect.email))
             .join(Prospect, col(Prospect.id) == LinkRequest.prospect_id)
             .join(CampaignRecord, col(CampaignRecord.id) == LinkRequest.campaign_id)
             .where(or_(col(LinkRequest.state).in_(OPEN_REQUEST_STATES),
                        col(LinkRequest.pitched_at) >= now - timedelta(days=longest))))
    contacts: dict[str, list[Contact]] = {}
    for request_id, state, pitched_at, slug, domain, email in session.execute(query):
        contact = Contact(request_id, slug, state, pitched_at)
        contacts.setdefault(f"domain:{domain}", []).append(contact)
        if email:
            contacts.setdefault(f"email:{email.lower()}", []).append(contact)
    return contacts


def prospect_facts(session: Session, ids: Iterable[int]) -> dict[int, ProspectFacts]:
    """The rule-relevant fields of these prospects."""
    wanted = sorted(set(ids))
    found: dict[int, ProspectFacts] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = select(Prospect).where(col(Prospect.id).in_(wanted[start:start + _CHUNK]))
        for row in session.execute(query).scalars():
            assert row.id is not None
            found[row.id] = facts_of(row)
    return found


def facts_of(row: Prospect) -> ProspectFacts:
    """A prospect row as the rules see it."""
    assert row.id is not None
    return ProspectFacts(row.id, row.domain, row.email, row.language, row.language_source, row.country,
                         row.locality, dict(row.metrics), row.do_not_contact, row.stage, row.outlet)


def subject_of(campaign: Campaign, request: LinkRequest, prospect: ProspectFacts) -> Subject:
    """A stored request as the rules see it."""
    page = next((p for p in campaign.pages if p.url == request.page_url), None)
    counted = request.counted_on if request.state in OPEN_REQUEST_STATES else None
    return Subject(request.id, campaign.market(request.market), request.page_url, page, request.anchor,
                   AnchorClass(request.anchor_class), request.anchor_keyword, request.context,
                   request.context_language, request.template, prospect, request.locality, counted)


def overrides_for(session: Session, request_ids: Sequence[int]) -> dict[int, dict[str, Override]]:
    """Recorded overrides per request and rule."""
    found: dict[int, dict[str, Override]] = {}
    wanted = sorted(set(request_ids))
    for start in range(0, len(wanted), _CHUNK):
        query = select(RuleOverride).where(col(RuleOverride.request_id).in_(wanted[start:start + _CHUNK]))
        for row in session.execute(query).scalars():
            found.setdefault(row.request_id, {})[row.rule] = Override(row.actor, row.reason, row.at)
    return found


def check_requests(session: Session, campaign: Campaign, campaign_id: int,
                   requests: Sequence[LinkRequest], *, templates: TemplateStates,
                   now: datetime | None = None) -> dict[int, list[Finding]]:
    """Findings for each stored request, against one snapshot of the store."""
    pairs = {(request.market, request.template) for request in requests}
    snap = load_snapshot(session, campaign, campaign_id, templates=templates, pairs=pairs, now=now)
    facts = prospect_facts(session, (request.prospect_id for request in requests))
    overrides = overrides_for(session, [request.id for request in requests if request.id is not None])
    results: dict[int, list[Finding]] = {}
    for request in requests:
        assert request.id is not None
        subject = subject_of(campaign, request, facts[request.prospect_id])
        results[request.id] = rules.check(subject, snap, overrides.get(request.id))
    return results
