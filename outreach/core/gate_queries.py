"""The rule gate's reads: each statement built once with bound parameters, then run per chunk.

Building a SQLAlchemy statement costs more than SQLite takes to run these small indexed
queries, so a single check stays within a few milliseconds only if statements are reused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, or_, select
from sqlmodel import Session, col

from outreach.core.findings import Override
from outreach.core.gate_inputs import Contact, ProspectFacts
from outreach.core.models import (
    OPEN_REQUEST_STATES,
    CampaignRecord,
    DoNotContact,
    LinkRequest,
    Prospect,
    RuleOverride,
    Suppression,
)

CHUNK = 900  # stays under SQLite's bound-parameter limit
_WHOLE_LIST = 5 * CHUNK  # beyond this many values, reading a whole (small) list beats IN clauses


class RequestRow(NamedTuple):
    """The fields of a link request the rule gate reads, as a plain row."""

    id: int
    market: str
    prospect_id: int
    page_url: str
    anchor: str
    anchor_class: str
    anchor_keyword: str | None
    context: str | None
    context_language: str | None
    template: str
    locality: str
    state: str
    counted_on: date | None


def row_of(request: LinkRequest) -> RequestRow:
    """A stored request as a plain row."""
    assert request.id is not None, "only stored requests are checked"
    return RequestRow(*(getattr(request, name) for name in RequestRow._fields))


@cache
def _requests_statement() -> Any:
    columns = [col(getattr(LinkRequest, name)) for name in RequestRow._fields]
    return (select(*columns).where(col(LinkRequest.campaign_id) == bindparam("campaign_id"),
                                   col(LinkRequest.state).in_(_values("states")))
            .order_by(col(LinkRequest.id)))


def request_rows(session: Session, campaign_id: int, states: Iterable[str],
                 market: str | None = None) -> list[RequestRow]:
    """A campaign's requests in these states (one market's, when given), oldest first."""
    rows = _rows(session, _requests_statement(), campaign_id=campaign_id, states=sorted(states))
    return [RequestRow(*row) for row in rows if market is None or row[1] == market]


def in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """Values, sorted, in lists short enough for one IN clause on SQLite."""
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _rows(session: Session, statement: Any, **params: Any) -> list[Any]:
    """Plain rows of a prebuilt statement, through the session's connection."""
    return list(session.connection().execute(statement, params).all())


def _values(name: str) -> Any:
    """An expanding IN parameter."""
    return bindparam(name, expanding=True)


@cache
def _facts_statement() -> Any:
    columns = (Prospect.id, Prospect.domain, Prospect.email, Prospect.language, Prospect.language_source,
               Prospect.country, Prospect.locality, Prospect.metrics, Prospect.do_not_contact,
               Prospect.stage, Prospect.outlet, Prospect.host)
    return select(*(col(column) for column in columns)).where(col(Prospect.id).in_(_values("ids")))


def prospect_facts(session: Session, ids: Iterable[int]) -> dict[int, ProspectFacts]:
    """The rule-relevant fields of these prospects (plain rows, no ORM objects)."""
    found: dict[int, ProspectFacts] = {}
    for chunk in in_chunks(ids):
        for row in _rows(session, _facts_statement(), ids=chunk):
            found[row[0]] = ProspectFacts(
                id=row[0], domain=row[1], email=row[2], language=row[3], language_source=row[4],
                country=row[5], locality=row[6], metrics=dict(row[7]), do_not_contact=row[8],
                stage=row[9], outlet=row[10], host=row[11])
    return found


@cache
def _dnc_statement(whole: bool) -> Any:
    query = select(col(DoNotContact.kind), col(DoNotContact.value))
    return query if whole else query.where(col(DoNotContact.value).in_(_values("values")))


def do_not_contact(session: Session, values: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, value) entries on the do-not-contact list among these emails and domains."""
    wanted = {value.lower() for value in values}
    if len(wanted) > _WHOLE_LIST:
        rows = _rows(session, _dnc_statement(True))
    else:
        rows = [row for chunk in in_chunks(wanted)
                for row in _rows(session, _dnc_statement(False), values=chunk)]
    return [(kind, value.lower()) for kind, value in rows if value.lower() in wanted]


@cache
def _suppression_statement(whole: bool) -> Any:
    query = select(col(Suppression.digest))
    return query if whole else query.where(col(Suppression.digest).in_(_values("digests")))


def suppressed(session: Session, digests: Iterable[str]) -> set[str]:
    """The digests among these that are suppressed."""
    wanted = set(digests)
    if len(wanted) > _WHOLE_LIST:
        return {row[0] for row in _rows(session, _suppression_statement(True))} & wanted
    return {row[0] for chunk in in_chunks(wanted)
            for row in _rows(session, _suppression_statement(False), digests=chunk)}


@cache
def _contacts_statement() -> Any:
    return (select(col(LinkRequest.id), col(LinkRequest.state), col(LinkRequest.pitched_at),
                   col(CampaignRecord.slug), col(Prospect.domain), col(Prospect.email))
            .join(Prospect, col(Prospect.id) == LinkRequest.prospect_id)
            .join(CampaignRecord, col(CampaignRecord.id) == LinkRequest.campaign_id)
            .where(or_(col(LinkRequest.state).in_(OPEN_REQUEST_STATES),
                       col(LinkRequest.pitched_at) >= bindparam("since")))
            .where(or_(col(Prospect.domain).in_(_values("domains")),
                       col(Prospect.email).in_(_values("emails")))))


def recent_contacts(session: Session, domains: Iterable[str], emails: Iterable[str],
                    since: datetime) -> dict[str, list[Contact]]:
    """Open requests, and pitches since `since`, to these domains or addresses, in every campaign."""
    domain_list, email_list = sorted(set(domains)), sorted(set(emails))
    filed: dict[str, dict[int, Contact]] = {}
    for start in range(0, max(len(domain_list), len(email_list)), CHUNK):
        rows = _rows(session, _contacts_statement(), since=since,
                     domains=domain_list[start:start + CHUNK], emails=email_list[start:start + CHUNK])
        for request_id, state, pitched_at, slug, domain, email in rows:
            contact = Contact(request_id, slug, state, pitched_at)
            filed.setdefault(f"domain:{domain}", {})[request_id] = contact
            if email:
                filed.setdefault(f"email:{email.lower()}", {})[request_id] = contact
    return {key: list(by_id.values()) for key, by_id in filed.items()}


@cache
def _overrides_statement() -> Any:
    columns = (RuleOverride.request_id, RuleOverride.rule, RuleOverride.actor, RuleOverride.reason,
               RuleOverride.at)
    return select(*(col(column) for column in columns)).where(
        col(RuleOverride.request_id).in_(_values("ids")))


def overrides_for(session: Session, request_ids: Iterable[int]) -> dict[int, dict[str, Override]]:
    """Recorded overrides per request and rule."""
    found: dict[int, dict[str, Override]] = {}
    for chunk in in_chunks(request_ids):
        for request_id, rule, actor, reason, at in _rows(session, _overrides_statement(), ids=chunk):
            found.setdefault(request_id, {})[rule] = Override(actor, reason, at)
    return found
