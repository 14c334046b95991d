"""Link tallies, changed in the same transaction as the placements and requests they count.

`link_profile` holds counts per page, kind, anchor class, keyword and locality (no day: a few
hundred rows per campaign); `link_daily` holds counts per market, day and kind. The rule gate and
the reports read these sums instead of recounting placements.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, case, delete, false, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col

from outreach.core.models import OPEN_REQUEST_STATES, LinkDaily, LinkProfile, LinkRequest, Placement
from outreach.core.text import fold


class Counted(NamedTuple):
    """What one live placement or open request adds to the tallies."""

    campaign_id: int
    market: str
    page_url: str
    day: date
    kind: str
    anchor_class: str
    keyword: str
    locality: str

    def profile_key(self) -> tuple[Any, ...]:
        """Its row in link_profile."""
        return (self.campaign_id, self.market, self.page_url, self.kind, self.anchor_class,
                self.keyword, self.locality)

    def daily_key(self) -> tuple[Any, ...]:
        """Its row in link_daily."""
        return (self.campaign_id, self.market, self.day, self.kind)


PROFILE_KEYS = ("campaign_id", "market", "page_url", "kind", "anchor_class", "keyword", "locality")
DAILY_KEYS = ("campaign_id", "market", "day", "kind")


def placement_entry(placement: Placement) -> Counted:
    """What a live placement counts as (on the day it was found)."""
    return Counted(placement.campaign_id, placement.market, placement.page_url, placement.found_on,
                   "placement", placement.anchor_class, fold(placement.anchor_keyword or ""),
                   placement.locality)


def request_entry(request: LinkRequest) -> Counted:
    """What an open request counts as (on the day it was approved)."""
    assert request.counted_on is not None, "only approved requests are counted"
    return Counted(request.campaign_id, request.market, request.page_url, request.counted_on,
                   "request", request.anchor_class, fold(request.anchor_keyword or ""), request.locality)


def bump(session: Session, entry: Counted, delta: int) -> None:
    """Add `delta` to the entry's profile and daily rows, creating them when needed."""
    _upsert_add(session, LinkProfile, dict(zip(PROFILE_KEYS, entry.profile_key(), strict=True)), delta)
    _upsert_add(session, LinkDaily, dict(zip(DAILY_KEYS, entry.daily_key(), strict=True)), delta)


def _table(model: type[SQLModel]) -> Any:
    """The SQLAlchemy table behind a model."""
    return model.__table__  # type: ignore[attr-defined]


def _tables(tallies: Tallies) -> list[tuple[Any, Counter[tuple[Any, ...]], tuple[str, ...]]]:
    """Each tally table with its counter and key columns."""
    return [(_table(LinkProfile), tallies.profile, PROFILE_KEYS),
            (_table(LinkDaily), tallies.daily, DAILY_KEYS)]


def _upsert_add(session: Session, model: type[SQLModel], keys: dict[str, Any], delta: int) -> None:
    """INSERT … ON CONFLICT DO UPDATE count = count + delta, on SQLite and PostgreSQL alike."""
    maker: Any = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = _table(model)
    statement = maker(table).values(**keys, count=delta)
    session.execute(statement.on_conflict_do_update(index_elements=list(keys),
                                                    set_={"count": table.c["count"] + delta}))


@dataclass
class Tallies:
    """A campaign's tallies as plain counters, for comparing maintained with recounted."""

    profile: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    daily: Counter[tuple[Any, ...]] = field(default_factory=Counter)

    def add(self, entry: Counted) -> None:
        """Count one link."""
        self.profile[entry.profile_key()] += 1
        self.daily[entry.daily_key()] += 1


def counted(session: Session, campaign_id: int) -> Tallies:
    """The maintained tallies of a campaign, zero rows left out."""
    found = Tallies()
    for table, target, keys in _tables(found):
        for row in session.execute(select(table).where(table.c.campaign_id == campaign_id)).mappings():
            if row["count"]:
                target[tuple(row[key] for key in keys)] = row["count"]
    return found


def recount(session: Session, campaign_id: int) -> Tallies:
    """The tallies recomputed from placements and requests (the maintained ones must equal it)."""
    found = Tallies()
    live = select(Placement).where(col(Placement.campaign_id) == campaign_id, col(Placement.status) == "live")
    for placement in session.execute(live).scalars():
        found.add(placement_entry(placement))
    open_requests = select(LinkRequest).where(col(LinkRequest.campaign_id) == campaign_id,
                                              col(LinkRequest.state).in_(OPEN_REQUEST_STATES))
    for request in session.execute(open_requests).scalars():
        found.add(request_entry(request))
    return found


def rebuild(session: Session, campaign_id: int) -> Tallies:
    """Replace a campaign's tallies by a recount."""
    fresh = recount(session, campaign_id)
    for table, counts, keys in _tables(fresh):
        session.execute(delete(table).where(table.c.campaign_id == campaign_id))
        if counts:
            session.execute(insert(table), [{**dict(zip(keys, key, strict=True)), "count": n}
                                            for key, n in counts.items()])
    return fresh


@dataclass
class PageProfile:
    """One page's links (live placements and open requests) by class, locality and exact keyword."""

    classes: Counter[str] = field(default_factory=Counter)
    localities: Counter[str] = field(default_factory=Counter)
    exact_keywords: Counter[str] = field(default_factory=Counter)


def page_profiles(session: Session, campaign_id: int, pages: Collection[str],
                  exact_only: Collection[str] = (), markets: Collection[str] = ()) -> dict[str, PageProfile]:
    """Profiles of `pages`, plus the exact-match keywords of `exact_only` pages (of `markets`)."""
    params = {"campaign_id": campaign_id, "pages": sorted(pages), "mates": sorted(exact_only),
              "markets": sorted(markets)}
    profiles: defaultdict[str, PageProfile] = defaultdict(PageProfile)
    rows: list[Any] = list(session.connection().execute(_profile_statement(), params).all())
    for page_url, anchor_class, keyword, locality, total in rows:
        profile = profiles[page_url]
        if page_url in pages:
            profile.classes[anchor_class] += total
            profile.localities[locality] += total
        if anchor_class == "exact" and keyword:
            profile.exact_keywords[keyword] += total
    return dict(profiles)


@cache
def _profile_statement() -> Any:
    """Profile rows of some pages, and exact-anchor rows of others, built once."""
    page = col(LinkProfile.page_url)
    return (select(page, col(LinkProfile.anchor_class), col(LinkProfile.keyword), col(LinkProfile.locality),
                   col(LinkProfile.count))
            .where(col(LinkProfile.campaign_id) == bindparam("campaign_id"),
                   col(LinkProfile.market).in_(bindparam("markets", expanding=True)),
                   or_(page.in_(bindparam("pages", expanding=True)),
                       and_(page.in_(bindparam("mates", expanding=True)),
                            col(LinkProfile.anchor_class) == "exact")))
            .where(col(LinkProfile.count) != 0))


@dataclass(frozen=True)
class Pace:
    """One market's links of one kind in the windows the pace rules read, summed by the database."""

    windows: dict[int, int]
    """Links in the last N days (today included), per N."""
    weeks: tuple[int, ...]
    """Links per 7-day week, the current week first."""
    since_launch: int


def pace_counts(session: Session, campaign_id: int, today: date, markets: Collection[str], *,
                lengths: Collection[int], weeks: int,
                launches: dict[str, date]) -> dict[tuple[str, str], Pace]:
    """Window, weekly and since-launch sums per (market, kind), one row each, from link_daily."""
    ordered = tuple(sorted(lengths))
    params: dict[str, Any] = {"campaign_id": campaign_id, "markets": sorted(markets)}
    params |= {f"w{n}": today - timedelta(days=n - 1) for n in ordered}
    for k in range(weeks + 1):
        params |= {f"k{k}_from": today - timedelta(days=7 * k + 6), f"k{k}_to": today - timedelta(days=7 * k)}
    launched = tuple(sorted(launches))
    params |= {f"launch_{index}": launches[tag] for index, tag in enumerate(launched)}
    params |= {f"market_{index}": tag for index, tag in enumerate(launched)}
    params["oldest"] = min([today - timedelta(days=max([*ordered, 7 * (weeks + 1)])), *launches.values()])
    found: dict[tuple[str, str], Pace] = {}
    statement = _pace_statement(ordered, weeks, len(launched))
    for market, kind, *sums in session.connection().execute(statement, params).all():
        found[(market, kind)] = Pace(dict(zip(ordered, sums[:len(ordered)], strict=True)),
                                     tuple(sums[len(ordered):-1]), sums[-1])
    return found


@cache
def _pace_statement(lengths: tuple[int, ...], weeks: int, launches: int) -> Any:
    """The pace query for one shape, built once with bound parameters (building costs more than running)."""
    day, count = col(LinkDaily.day), col(LinkDaily.count)

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, count), else_=0)), 0)

    windows = [total(day >= bindparam(f"w{n}")) for n in lengths]
    weekly = [total(day.between(bindparam(f"k{k}_from"), bindparam(f"k{k}_to"))) for k in range(weeks + 1)]
    launched = or_(false(), *(and_(col(LinkDaily.market) == bindparam(f"market_{index}"),
                                   day >= bindparam(f"launch_{index}")) for index in range(launches)))
    return (select(col(LinkDaily.market), col(LinkDaily.kind), *windows, *weekly, total(launched))
            .where(col(LinkDaily.campaign_id) == bindparam("campaign_id"),
                   col(LinkDaily.market).in_(bindparam("markets", expanding=True)),
                   day >= bindparam("oldest"))
            .group_by(col(LinkDaily.market), col(LinkDaily.kind)))
