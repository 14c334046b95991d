"""Reading prospects (filters, sort, pages) and moving them through stages: what the app and the gate call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, cast, func
from sqlmodel import Session, col, select

from outreach.core import audit, outbox_stops
from outreach.core.models import STAGES, Prospect, ProspectEvent, utcnow
from outreach.core.search_text import contains
from outreach.errors import DoNotContactError, NotFoundError, ProspectError

SORTS = ("domain", "outlet", "contact_name", "email", "stage", "country", "language", "locality",
         "source_type", "created_at", "updated_at", "id")
"""Columns `list_prospects` sorts by; a metric name (dr, da, as, tf, traffic) sorts by that metric."""

METRICS = ("dr", "ur", "da", "pa", "as", "page_as", "tf", "cf", "traffic", "spam_score")

PITCHED_STAGES = frozenset({"pitched", "replied", "won"})
"""Stages that mean someone has written to the prospect: barred for do-not-contact prospects."""


@dataclass(frozen=True)
class ProspectQuery:
    """Which prospects to list, in what order, which page."""

    market: str | None = None
    stages: tuple[str, ...] = ()
    text: str | None = None
    """Case-insensitive match on domain, outlet, contact or email."""
    locality: str | None = None
    sort: str = "domain"
    """A column in SORTS or a metric; prefix `-` for descending (`-dr`)."""
    offset: int = 0
    limit: int | None = 100


@dataclass(frozen=True)
class ProspectPage:
    """One page of prospects and how many match in all."""

    prospects: list[Prospect]
    total: int


def list_prospects(session: Session, campaign_id: int, query: ProspectQuery) -> ProspectPage:
    """Prospects of a campaign matching the query, sorted and paged."""
    conditions = _conditions(campaign_id, query)
    total = session.exec(select(func.count()).select_from(Prospect).where(*conditions)).one()
    statement = select(Prospect).where(*conditions).order_by(*_order(query.sort)).offset(query.offset)
    if query.limit is not None:
        statement = statement.limit(query.limit)
    return ProspectPage(list(session.exec(statement).all()), int(total))


def _conditions(campaign_id: int, query: ProspectQuery) -> list[Any]:
    """SQL conditions for the query's filters."""
    conditions: list[Any] = [Prospect.campaign_id == campaign_id]
    if query.market:
        conditions.append(Prospect.market == query.market)
    if query.stages:
        unknown = set(query.stages) - set(STAGES)
        if unknown:
            raise ProspectError(f"unknown stage '{sorted(unknown)[0]}' (stages: {', '.join(STAGES)})")
        conditions.append(col(Prospect.stage).in_(query.stages))
    if query.locality:
        conditions.append(Prospect.locality == query.locality)
    matching = contains(col(Prospect.search_text), query.text or "")
    if matching is not None:
        conditions.append(matching)
    return conditions


def _order(sort: str) -> list[Any]:
    """ORDER BY for a sort key: a column or a metric, `-` for descending, id last for stable pages."""
    name = sort.lstrip("-")
    descending = sort.startswith("-")
    if name in METRICS:
        key: Any = cast(col(Prospect.metrics)[name].as_float(), Float)
    elif name in SORTS:
        key = col(getattr(Prospect, name))
    else:
        raise ProspectError(f"cannot sort by '{name}' (use {', '.join(SORTS + METRICS)})")
    ordered = key.desc().nulls_last() if descending else key.asc().nulls_last()
    return [ordered, col(Prospect.id)]


def get_prospect(session: Session, prospect_id: int) -> Prospect:
    """One prospect by id."""
    found = session.get(Prospect, prospect_id)
    if found is None:
        raise NotFoundError(f"no prospect {prospect_id}")
    return found


def change_stage(session: Session, prospect_id: int, stage: str, *, actor: str, reason: str = "") -> Prospect:
    """Move a prospect to a stage, with a history event and an audit entry; never pitch a DNC one."""
    if stage not in STAGES:
        raise ProspectError(f"unknown stage '{stage}' (stages: {', '.join(STAGES)})")
    prospect = get_prospect(session, prospect_id)
    if prospect.do_not_contact and stage in PITCHED_STAGES:
        raise DoNotContactError(f"prospect {prospect_id} ({prospect.email or prospect.domain}) is on the "
                                "do-not-contact list and can never be pitched")
    previous = prospect.stage
    if previous == stage:
        return prospect
    prospect.stage, prospect.updated_at = stage, utcnow()
    session.add(prospect)
    detail = {"from": previous, "to": stage, **({"reason": reason} if reason else {})}
    session.add(ProspectEvent(prospect_id=prospect_id, actor=actor, kind="stage", detail=detail))
    audit.record(session, actor=actor, action="prospect.stage", object_type="prospect",
                 object_id=prospect_id, campaign_id=prospect.campaign_id, detail=detail)
    if stage != "pitched":  # sending the pitch moves a prospect to `pitched`; its follow-ups carry on
        outbox_stops.stop_for_prospects(session, [prospect_id], reason=f"stage:{stage}", actor=actor)
    return prospect


def history(session: Session, prospect_id: int) -> Sequence[ProspectEvent]:
    """A prospect's events, oldest first (merged records' events included)."""
    return session.exec(select(ProspectEvent).where(ProspectEvent.prospect_id == prospect_id)
                        .order_by(col(ProspectEvent.at), col(ProspectEvent.id))).all()


def as_row(prospect: Prospect) -> dict[str, Any]:
    """A prospect as the listing shows it (and `--json` prints it)."""
    return {
        "id": prospect.id, "market": prospect.market, "domain": prospect.domain, "host": prospect.host,
        "outlet": prospect.outlet, "contact": prospect.contact_name, "first_name": prospect.first_name,
        "email": prospect.email, "country": prospect.country, "country_source": prospect.country_source,
        "language": prospect.language, "language_source": prospect.language_source,
        "locality": prospect.locality, "source_type": prospect.source_type, "metrics": prospect.metrics,
        "stage": prospect.stage, "do_not_contact": prospect.do_not_contact,
        "dedupe_cluster": prospect.dedupe_cluster, "timezone": prospect.timezone, "origin": prospect.origin,
    }
