"""Running the rule gate against the store: one snapshot per batch, then pure rule checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from outreach.core import gate_queries as queries
from outreach.core import rules, tally
from outreach.core.anchors import AnchorClass
from outreach.core.campaign import Campaign
from outreach.core.dnc import digest
from outreach.core.findings import Finding
from outreach.core.gate_inputs import ProspectFacts, Snapshot, Subject, TemplateState
from outreach.core.gate_queries import RequestRow
from outreach.core.models import (
    OPEN_REQUEST_STATES,
    LinkRequest,
    utcnow,
)
from outreach.core.places import index_for
from outreach.core.rule_settings import RuleSettings
from outreach.core.rules_contact import parent_domains
from outreach.core.rules_pace import TRAILING_WEEKS

TemplateStates = Callable[[Campaign, set[tuple[str, str]]], dict[tuple[str, str], TemplateState]]
"""Reads the approval state of (market tag, template name) pairs; the review module provides it."""

@dataclass(frozen=True)
class Scope:
    """What a batch of checks touches, so every snapshot query reads only that through indexes."""

    pages: frozenset[str]
    """Pages the requests point at: their whole profiles are read."""
    mates: frozenset[str]
    """Other pages of their hreflang clusters: only their exact-match anchors are read."""
    page_markets: frozenset[str]
    """Markets of all those pages (lets the profile query use its primary key)."""
    markets: frozenset[str]
    domains: frozenset[str]
    hosts: frozenset[str]
    """The prospects' hosts (subdomains included), whose parents the do-not-contact list may hold."""
    emails: frozenset[str]

    @classmethod
    def of(cls, campaign: Campaign, subjects: Sequence[Subject]) -> Scope:
        """The pages (with their cluster mates), markets (with same-language ones) and contacts."""
        pages = {subject.page_url: subject.market.tag for subject in subjects}
        mates: dict[str, str] = {}
        for cluster in {subject.page.cluster for subject in subjects if subject.page}:
            if cluster:
                mates.update((page.url, page.market) for page in campaign.cluster_pages(cluster))
        languages = {subject.market.language for subject in subjects}
        markets = {m.tag for m in campaign.markets.values() if m.language in languages}
        return cls(frozenset(pages), frozenset(mates) - frozenset(pages),
                   frozenset(pages.values()) | frozenset(mates.values()), frozenset(markets),
                   frozenset(subject.prospect.domain for subject in subjects),
                   frozenset(subject.prospect.host or subject.prospect.domain for subject in subjects),
                   frozenset(s.prospect.email.lower() for s in subjects if s.prospect.email))


def load_snapshot(session: Session, campaign: Campaign, campaign_id: int, scope: Scope, *,
                  templates: TemplateStates, pairs: set[tuple[str, str]],
                  now: datetime | None = None) -> Snapshot:
    """Everything the rules read about the store for this scope, through indexed queries."""
    moment = now or utcnow()
    snap = Snapshot(campaign, moment, campaign.derived("places", lambda: index_for(campaign)))
    snap.profiles = tally.page_profiles(session, campaign_id, scope.pages, scope.mates, scope.page_markets)
    settings = {tag: campaign.rules_for(tag) for tag in scope.markets}
    lengths = {7, 30} | {rules.one_language_swamp.window_days for rules in settings.values()}
    snap.pace = tally.pace_counts(session, campaign_id, snap.today, scope.markets, lengths=lengths,
                                  weeks=TRAILING_WEEKS, launches=_ramping(campaign, settings, snap.today))
    _load_contact_lists(session, snap, scope)
    longest = max(campaign.rules_for(tag).cooldown.days for tag in campaign.markets)
    snap.contacts = queries.recent_contacts(session, scope.domains, scope.emails,
                                            moment - timedelta(days=longest))
    snap.templates = templates(campaign, pairs)
    return snap


def _ramping(campaign: Campaign, settings: dict[str, RuleSettings], today: date) -> dict[str, date]:
    """Launch dates of the markets still inside their ramp."""
    launches = {}
    for tag, market_rules in settings.items():
        launched = campaign.market(tag).launched
        last_day = max((step.until_day for step in market_rules.velocity.ramp), default=0)
        if launched is not None and (today - launched).days < last_day:
            launches[tag] = launched
    return launches


def _load_contact_lists(session: Session, snap: Snapshot, scope: Scope) -> None:
    """Do-not-contact entries and suppressed digests for the scope's contacts (store-wide)."""
    parents = set().union(*(parent_domains(host) for host in scope.hosts))
    for kind, value in queries.do_not_contact(session, scope.emails | parents):
        (snap.dnc_emails if kind == "email" else snap.dnc_domains).add(value)
    candidates = {digest("email", email): email for email in scope.emails}
    domains = {email.rsplit("@", 1)[-1] for email in scope.emails}
    candidates |= {digest("domain", domain): domain for domain in domains}
    snap.suppressed = {candidates[found] for found in queries.suppressed(session, candidates)}


def subject_of(campaign: Campaign, request: RequestRow, prospect: ProspectFacts) -> Subject:
    """A stored request as the rules see it."""
    page = campaign.find_page(request.page_url)
    counted = request.counted_on if request.state in OPEN_REQUEST_STATES else None
    return Subject(request.id, campaign.market(request.market), request.page_url, page, request.anchor,
                   AnchorClass(request.anchor_class), request.anchor_keyword, request.context,
                   request.context_language, request.template, prospect, request.locality, counted)


def check_pending(session: Session, campaign: Campaign, campaign_id: int, *, templates: TemplateStates,
                  market: str | None = None, now: datetime | None = None) -> dict[int, list[Finding]]:
    """Findings for every draft and open request of the campaign (or of one market)."""
    rows = queries.request_rows(session, campaign_id, ("draft", *OPEN_REQUEST_STATES), market)
    return check_requests(session, campaign, campaign_id, rows, templates=templates, now=now)


def check_one(session: Session, campaign: Campaign, campaign_id: int, request: LinkRequest, *,
              templates: TemplateStates, now: datetime | None = None) -> list[Finding]:
    """Findings for one stored request."""
    row = queries.row_of(request)
    return check_requests(session, campaign, campaign_id, [row], templates=templates, now=now)[row.id]


def check_requests(session: Session, campaign: Campaign, campaign_id: int,
                   requests: Sequence[RequestRow], *, templates: TemplateStates,
                   now: datetime | None = None) -> dict[int, list[Finding]]:
    """Findings for each stored request, against one snapshot of the store."""
    facts = queries.prospect_facts(session, (request.prospect_id for request in requests))
    subjects = [subject_of(campaign, request, facts[request.prospect_id]) for request in requests]
    pairs = {(request.market, request.template) for request in requests}
    snap = load_snapshot(session, campaign, campaign_id, Scope.of(campaign, subjects),
                         templates=templates, pairs=pairs, now=now)
    overrides = queries.overrides_for(session, [request.id for request in requests])
    results: dict[int, list[Finding]] = {}
    for subject in subjects:
        assert subject.request_id is not None
        results[subject.request_id] = rules.check(subject, snap, overrides.get(subject.request_id))
    return results
