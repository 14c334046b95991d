"""Link tallies: per page, day, kind, anchor class and locality, changed in the same transaction as
the placement or request they count, so the rule gate reads small sums instead of recounting."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from outreach.core.models import OPEN_REQUEST_STATES, LinkRequest, LinkTally, Placement


class TallyKey(NamedTuple):
    """What one tally row counts."""

    campaign_id: int
    market: str
    page_url: str
    day: date
    kind: str
    anchor_class: str
    locality: str


def placement_key(placement: Placement) -> TallyKey:
    """The tally row a live placement counts in."""
    return TallyKey(placement.campaign_id, placement.market, placement.page_url, placement.found_on,
                    "placement", placement.anchor_class, placement.locality)


def request_key(request: LinkRequest) -> TallyKey:
    """The tally row an open request counts in (the day it was approved)."""
    assert request.counted_on is not None, "only approved requests are counted"
    return TallyKey(request.campaign_id, request.market, request.page_url, request.counted_on,
                    "request", request.anchor_class, request.locality)


def bump(session: Session, key: TallyKey, delta: int) -> None:
    """Add `delta` to one tally row, creating it when needed (an upsert on both databases)."""
    values = {**key._asdict(), "count": delta}
    dialect = session.get_bind().dialect.name
    maker: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = maker(LinkTally).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(TallyKey._fields),
        set_={"count": col(LinkTally.count) + delta},
    )
    session.execute(statement)


def counted_tallies(session: Session, campaign_id: int) -> Counter[TallyKey]:
    """The maintained tallies of a campaign, zero rows left out."""
    rows = session.execute(select(LinkTally).where(col(LinkTally.campaign_id) == campaign_id))
    return Counter({TallyKey(*(getattr(row, field) for field in TallyKey._fields)): row.count
                    for row in rows.scalars() if row.count})


def recount(session: Session, campaign_id: int) -> Counter[TallyKey]:
    """The tallies recomputed from placements and requests (the maintained ones must equal it)."""
    totals: Counter[TallyKey] = Counter()
    placements = session.execute(select(Placement).where(
        col(Placement.campaign_id) == campaign_id, col(Placement.status) == "live"))
    for placement in placements.scalars():
        totals[placement_key(placement)] += 1
    requests = session.execute(select(LinkRequest).where(
        col(LinkRequest.campaign_id) == campaign_id, col(LinkRequest.state).in_(OPEN_REQUEST_STATES)))
    for request in requests.scalars():
        totals[request_key(request)] += 1
    return totals


def rebuild(session: Session, campaign_id: int) -> int:
    """Replace a campaign's tallies by a recount; returns the number of rows written."""
    session.execute(delete(LinkTally).where(col(LinkTally.campaign_id) == campaign_id))
    totals = recount(session, campaign_id)
    if totals:
        session.execute(insert(LinkTally), [{**key._asdict(), "count": n} for key, n in totals.items()])
    return len(totals)


def page_class_counts(session: Session, campaign_id: int,
                      pages: list[str] | None = None) -> dict[str, Counter[str]]:
    """Anchor classes per page, placements and open requests together."""
    return _grouped(session, campaign_id, col(LinkTally.anchor_class), pages)


def page_locality_counts(session: Session, campaign_id: int,
                         pages: list[str] | None = None) -> dict[str, Counter[str]]:
    """Local, global and unknown sources per page, placements and open requests together."""
    return _grouped(session, campaign_id, col(LinkTally.locality), pages)


def _grouped(session: Session, campaign_id: int, column: Any,
             pages: list[str] | None) -> dict[str, Counter[str]]:
    """Sum of counts per page and one other column."""
    query = (select(col(LinkTally.page_url), column, func.sum(col(LinkTally.count)))
             .where(col(LinkTally.campaign_id) == campaign_id)
             .group_by(LinkTally.page_url, column))
    if pages is not None:
        query = query.where(col(LinkTally.page_url).in_(pages))
    result: dict[str, Counter[str]] = {}
    for page_url, value, total in session.execute(query):
        result.setdefault(page_url, Counter())[value] += int(total)
    return result


def daily_counts(session: Session, campaign_id: int, since: date,
                 markets: list[str] | None = None) -> dict[tuple[str, str], Counter[date]]:
    """Links per (market, kind) per day since `since`."""
    query = (select(col(LinkTally.market), col(LinkTally.kind), col(LinkTally.day),
                    func.sum(col(LinkTally.count)))
             .where(col(LinkTally.campaign_id) == campaign_id, col(LinkTally.day) >= since)
             .group_by(col(LinkTally.market), col(LinkTally.kind), col(LinkTally.day)))
    if markets is not None:
        query = query.where(col(LinkTally.market).in_(markets))
    result: dict[tuple[str, str], Counter[date]] = {}
    for market, kind, day, total in session.execute(query):
        result.setdefault((market, kind), Counter())[day] += int(total)
    return result


def totals_since_launch(session: Session, campaign_id: int, market: str, since: date) -> int:
    """All links (placements and open requests) of a market counted on or after `since`."""
    query = select(func.coalesce(func.sum(col(LinkTally.count)), 0)).where(
        col(LinkTally.campaign_id) == campaign_id, col(LinkTally.market) == market,
        col(LinkTally.day) >= since)
    return int(session.execute(query).scalar_one())
