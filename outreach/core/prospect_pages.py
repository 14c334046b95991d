"""The app's prospect table: keyset pages (no OFFSET), a capped match count and each row's last contact.

Deep OFFSETs make the database walk every skipped row; a keyset page starts right after the last
row shown, through the listing index, so page 2,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, cast, func, or_, select, tuple_
from sqlmodel import Session, col

from outreach.core.mailbox_tables import InboundEvent
from outreach.core.models import LinkRequest, Prospect
from outreach.core.prospect_list import METRICS, SORTS
from outreach.core.prospect_writes import PROSPECTS, core
from outreach.core.search_text import contains
from outreach.errors import ProspectError

COUNT_CAP = 10_000
"""Counting stops past this many matches ("10,000+"): an exact count costs a full scan per keystroke."""

LISTED = ("id", "domain", "outlet", "contact_name", "email", "stage", "do_not_contact", "country",
          "country_source", "language", "language_source", "locality", "metrics", "source_type")
"""Columns a listing row carries."""

@dataclass(frozen=True)
class Listing:
    """Which prospects the table shows, in what order, how many per page."""

    campaign_id: int
    market: str | None = None
    text: str = ""
    sort: str = "domain"
    """A column in SORTS or a metric; prefix `-` for descending (`-dr`)."""
    limit: int = 50


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just after the row with this sort value and id."""

    value: Any
    id: int


@dataclass(frozen=True)
class ListingRow:
    """One prospect as the table shows it."""

    id: int
    domain: str
    outlet: str | None
    contact_name: str | None
    email: str | None
    stage: str
    do_not_contact: bool
    country: str | None
    country_source: str
    language: str | None
    language_source: str
    locality: str
    metrics: dict[str, float]
    source_type: str | None
    last_contact: datetime | None
    last_mail: str | None = None
    """The latest reply, bounce or unsubscribe that came back, e.g. `reply 2026-12-01`."""


@dataclass(frozen=True)
class ListingPage:
    """One page of rows and where the next one starts (None on the last page)."""

    rows: list[ListingRow]
    next: Cursor | None


def _key(sort: str) -> tuple[Any, bool, bool]:
    """The sort expression, whether it is descending, and whether it can be NULL."""
    name, descending = sort.lstrip("-"), sort.startswith("-")
    if name in METRICS:
        return cast(col(Prospect.metrics)[name].as_float(), Float), descending, True
    if name in SORTS:
        column = PROSPECTS.c[name]
        return column, descending, bool(column.nullable)
    raise ProspectError(f"cannot sort by '{name}' (use {', '.join(SORTS + METRICS)})")


def _filters(listing: Listing) -> list[Any]:
    """The campaign, the market and the filter text as SQL conditions."""
    conditions: list[Any] = [PROSPECTS.c.campaign_id == listing.campaign_id]
    if listing.market:
        conditions.append(PROSPECTS.c.market == listing.market)
    matching = contains(PROSPECTS.c.search_text, listing.text)
    if matching is not None:
        conditions.append(matching)
    return conditions


def _after(key: Any, descending: bool, nullable: bool, cursor: Cursor) -> Any:
    """Rows after the cursor in (key, id) order, NULL keys last."""
    ident = PROSPECTS.c.id
    if cursor.value is None:
        return and_(key.is_(None), ident < cursor.id if descending else ident > cursor.id)
    pair, bound = tuple_(key, ident), tuple_(cursor.value, cursor.id)
    later = pair < bound if descending else pair > bound
    return or_(later, key.is_(None)) if nullable else later


def page(session: Session, listing: Listing, after: Cursor | None = None) -> ListingPage:
    """The page of prospects that starts after `after` (the first page when None)."""
    key, descending, nullable = _key(listing.sort)
    conditions = _filters(listing)
    if after is not None:
        conditions.append(_after(key, descending, nullable, after))
    direction = key.desc() if descending else key.asc()
    order = [direction.nulls_last() if nullable else direction,
             PROSPECTS.c.id.desc() if descending else PROSPECTS.c.id.asc()]
    columns = [PROSPECTS.c[name] for name in LISTED]
    statement = select(*columns, key.label("_key")).where(*conditions).order_by(*order)
    found = core(session).execute(statement.limit(listing.limit + 1)).all()
    more, shown = len(found) > listing.limit, found[:listing.limit]
    ids = [row.id for row in shown]
    contacts, mail = last_contacts(session, ids), last_mail(session, ids)
    rows = [ListingRow(**{name: row._mapping[name] for name in LISTED}, last_contact=contacts.get(row.id),
                       last_mail=mail.get(row.id)) for row in shown]
    last = shown[-1] if shown else None
    return ListingPage(rows, Cursor(last._key, last.id) if more and last is not None else None)


def count(session: Session, listing: Listing, cap: int = COUNT_CAP) -> int:
    """How many prospects match, counting no further than cap + 1."""
    matching = select(PROSPECTS.c.id).where(*_filters(listing)).limit(cap + 1).subquery()
    return int(core(session).execute(select(func.count()).select_from(matching)).scalar_one())


def count_label(matches: int, cap: int = COUNT_CAP) -> str:
    """`1,234`, or `10,000+` past the cap."""
    return f"{cap:,}+" if matches > cap else f"{matches:,}"


def last_contacts(session: Session, prospect_ids: Sequence[int]) -> dict[int, datetime]:
    """When each prospect was last pitched, for the prospects that ever were."""
    if not prospect_ids:
        return {}
    statement = (select(col(LinkRequest.prospect_id), func.max(col(LinkRequest.pitched_at)))
                 .where(col(LinkRequest.prospect_id).in_(prospect_ids),
                        col(LinkRequest.pitched_at).is_not(None))
                 .group_by(col(LinkRequest.prospect_id)))
    return {int(pid): moment for pid, moment in core(session).execute(statement).all() if moment is not None}


MAIL_KINDS = ("reply", "hard-bounce", "soft-bounce", "unsubscribe")
"""Inbound events a prospect's row shows (auto-replies and unreadable messages are not news)."""


def last_mail(session: Session, prospect_ids: Sequence[int]) -> dict[int, str]:
    """The latest reply, bounce or unsubscribe from each prospect, as `kind YYYY-MM-DD`."""
    if not prospect_ids:
        return {}
    latest = (select(func.max(col(InboundEvent.id)))
              .where(col(InboundEvent.prospect_id).in_(prospect_ids), col(InboundEvent.kind).in_(MAIL_KINDS))
              .group_by(col(InboundEvent.prospect_id)))
    statement = select(col(InboundEvent.prospect_id), col(InboundEvent.kind), col(InboundEvent.received_at),
                       col(InboundEvent.recorded_at)).where(col(InboundEvent.id).in_(latest))
    return {pid: f"{kind} {(received or recorded).date().isoformat()}"
            for pid, kind, received, recorded in core(session).execute(statement).all() if pid is not None}
