"""Writing normalised prospect records in bulk: insert the new, fill in the known, keep history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, select, update
from sqlmodel import Session

from outreach.core.bulk import (
    big_write,
    bulk_insert,
    indexes_deferred,
    sqlite_next_ids,
    sqlite_numbered_insert,
)
from outreach.core.bulk_json import FlatJson, Numbered, bind_processor
from outreach.core.campaign import Market
from outreach.core.inference import SOURCE_STRENGTH, locality
from outreach.core.models import Prospect, ProspectAlias, ProspectEvent, utcnow
from outreach.core.prospect_rows import Record
from outreach.core.search_text import search_text_of

FILLED_IN = ("host", "url", "outlet", "contact_name", "first_name", "email", "source_type", "timezone")
"""Text fields a later record fills in only where the known one is blank (people may have edited it)."""

RECORD_COLUMNS = ("identity", "domain", "host", "url", "outlet", "contact_name", "first_name", "email",
                  "country", "country_source", "language", "language_source", "locality", "source_type",
                  "metrics", "timezone", "origin", "do_not_contact")
"""The columns a normalised record fills; the writer adds campaign, market, stage and times."""

MERGED = (*FILLED_IN, "country", "country_source", "language", "language_source", "locality", "metrics",
          "do_not_contact", "search_text")
"""Every column a merge or re-import may change (search_text follows the fields it folds)."""

_RECORD_VALUES = itemgetter(*RECORD_COLUMNS)
_CHUNK = 500
PROSPECTS: Table = Prospect.__table__  # type: ignore[attr-defined]
EVENTS: Table = ProspectEvent.__table__  # type: ignore[attr-defined]
ALIASES: Table = ProspectAlias.__table__  # type: ignore[attr-defined]


def core(session: Session) -> Connection:
    """The transaction's connection for Core statements, with the ORM's pending changes flushed first.

    Callers that write through it expire the session afterwards, so ORM objects are re-read.
    """
    session.flush()
    return session.connection()


def record_values(record: Record) -> tuple[Any, ...]:
    """A record's values in RECORD_COLUMNS order, None for a column it lacks."""
    try:
        return _RECORD_VALUES(record)  # type: ignore[no-any-return]
    except KeyError:
        return tuple(record.get(name) for name in RECORD_COLUMNS)


INSERTED_COLUMNS = (*RECORD_COLUMNS, "search_text")
"""The columns a new prospect's row is inserted with: the record's, then the text the filter searches."""


def inserted_values(record: Record) -> tuple[Any, ...]:
    """A new record's values in INSERTED_COLUMNS order."""
    return (*record_values(record), search_text_of(record))


def merge_values(known: Record, incoming: Record, market: Market) -> dict[str, Any]:
    """The columns of `known` that `incoming` improves: blanks filled, stronger inferences, fresh metrics."""
    changes: dict[str, Any] = {name: incoming[name] for name in FILLED_IN
                               if known.get(name) is None and incoming.get(name) is not None}
    for value, source in (("country", "country_source"), ("language", "language_source")):
        if SOURCE_STRENGTH[incoming[source]] > SOURCE_STRENGTH[known[source]]:
            changes[value], changes[source] = incoming[value], incoming[source]
    metrics = {**known["metrics"], **incoming["metrics"]}
    if metrics != known["metrics"]:
        changes["metrics"] = metrics
    if incoming.get("do_not_contact") and not known.get("do_not_contact"):
        changes["do_not_contact"] = True
    merged = {**known, **changes}
    place = locality(market, merged["country"], merged["language"], merged["source_type"])
    if place != known["locality"]:
        changes["locality"] = place
    return changes


@dataclass
class WriteResult:
    """What one bulk write did, prospect ids included for dedupe and events."""

    new_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class ProspectWriter:
    """Bulk writes for one campaign market inside the caller's transaction."""

    session: Session
    campaign_id: int
    market: Market
    actor: str

    @property
    def connection(self) -> Connection:
        """The transaction's connection, for Core executemany statements."""
        return core(self.session)

    def known_ids(self) -> dict[str, int]:
        """Identity → prospect id for the market, merged identities (aliases) included."""
        where = (PROSPECTS.c.campaign_id == self.campaign_id) & (PROSPECTS.c.market == self.market.tag)
        found = dict(self.connection.execute(select(PROSPECTS.c.identity, PROSPECTS.c.id).where(where)).all())
        alias_where = (ALIASES.c.campaign_id == self.campaign_id) & (ALIASES.c.market == self.market.tag)
        found.update(self.connection.execute(
            select(ALIASES.c.identity, ALIASES.c.prospect_id).where(alias_where)).all())
        return {str(key): int(value) for key, value in found.items()}

    def rows_by_id(self, ids: Iterable[int]) -> dict[int, Record]:
        """Full rows of these prospects, fetched in chunks."""
        rows: dict[int, Record] = {}
        for chunk in _chunks(sorted(set(ids)), _CHUNK):
            result = self.connection.execute(select(PROSPECTS).where(PROSPECTS.c.id.in_(chunk)))
            rows.update({row.id: dict(row._mapping) for row in result})
        return rows

    def write(self, records: Sequence[Record], origin: dict[str, Any]) -> WriteResult:
        """Insert unknown records and merge known ones, with an `imported` event for each change."""
        known = self.known_ids()
        result = WriteResult()
        fresh, matched = _new_and_known(records, known)
        fresh.sort(key=itemgetter("identity"))  # index pages fill in order
        with big_write(self.connection):
            with indexes_deferred(self.connection, PROSPECTS, len(fresh)):
                result.new_ids, numbers = self._insert(fresh)
            updates = self._updates(matched, known)
            result.updated_ids = [change["_id"] for change in updates]
            result.unchanged = len(matched) - len(updates)
            self.update_rows(updates)
            self._events(numbers, result.new_ids, updates, origin)
        return result

    def _insert(self, records: Sequence[Record]) -> tuple[list[int], list[Any]]:
        """Insert new prospects with one executemany; return their ids and row numbers in the order given."""
        if not records:
            return [], []
        numbers: list[Any] = []

        def values(record: Record) -> tuple[Any, ...]:
            # Noted while the record is at hand: a pass of its own, in identity order, finds each one cold.
            numbers.append(record.get("_row"))
            return inserted_values(record)
        now = utcnow()
        constants = {"campaign_id": self.campaign_id, "market": self.market.tag, "stage": "new",
                     "created_at": now, "updated_at": now}
        converters = {"metrics": FlatJson(bind_processor(self.connection, PROSPECTS.c.metrics))}
        ids = sqlite_next_ids(self.connection, PROSPECTS, len(records))
        if ids is not None:
            bulk_insert(self.connection, PROSPECTS, ("id", *INSERTED_COLUMNS),
                        ((pid, *values(record)) for pid, record in zip(ids, records, strict=True)),
                        constants, converters)
            return ids, numbers
        before = self.connection.execute(select(func.max(PROSPECTS.c.id))).scalar() or 0
        bulk_insert(self.connection, PROSPECTS, INSERTED_COLUMNS, map(values, records), constants, converters)
        return self._ids_since(before, records), numbers

    def _ids_since(self, before: int, records: Sequence[Record]) -> list[int]:
        """Ids of just-inserted records, found by identity among rows newer than `before`."""
        query = select(PROSPECTS.c.identity, PROSPECTS.c.id).where(
            PROSPECTS.c.campaign_id == self.campaign_id, PROSPECTS.c.market == self.market.tag,
            PROSPECTS.c.id > before)
        found = {str(identity): int(pid) for identity, pid in self.connection.execute(query)}
        return [found[record["identity"]] for record in records]

    def _updates(self, records: Sequence[Record], known: dict[str, int]) -> list[dict[str, Any]]:
        """For each matched record that improves its prospect, the full set of merged values."""
        current = self.rows_by_id(known[record["identity"]] for record in records)
        updates: dict[int, dict[str, Any]] = {}
        for record in records:
            pid = known[record["identity"]]
            base = {**current[pid], **updates.get(pid, {})}
            changes = merge_values(base, record, self.market)
            if changes:
                merged = {**base, **changes}
                merged["search_text"] = search_text_of(merged)
                updates[pid] = {**{name: merged[name] for name in MERGED}, "_id": pid,
                                "_changed": sorted({*updates.get(pid, {}).get("_changed", ()), *changes}),
                                "_row": record.get("_row")}
        return list(updates.values())

    def update_rows(self, updates: Sequence[dict[str, Any]]) -> None:
        """Write merged values back with one executemany UPDATE."""
        if not updates:
            return
        now = utcnow()
        statement = (update(PROSPECTS).where(PROSPECTS.c.id == bindparam("_id"))
                     .values({name: bindparam(name) for name in (*MERGED, "updated_at")}))
        self.connection.execute(statement, [{**{name: change[name] for name in MERGED},
                                             "_id": change["_id"], "updated_at": now}
                                            for change in updates])

    def _events(self, numbers: Sequence[Any], new_ids: Sequence[int],
                updates: Sequence[dict[str, Any]], origin: dict[str, Any]) -> None:
        """One `imported` history event per new prospect (its row number given) or changed one, at once."""
        convert = bind_processor(self.connection, EVENTS.c.detail)
        detail = Numbered(convert, origin, "row")
        rows = [(change["_id"], convert({**origin, "row": change["_row"], "changed": change["_changed"]}))
                for change in updates]
        shared = {"at": utcnow(), "actor": self.actor, "kind": "imported"}
        with indexes_deferred(self.connection, EVENTS, len(numbers) + len(rows)):
            if not sqlite_numbered_insert(self.connection, EVENTS, ("prospect_id", "detail"), new_ids,
                                          detail.template, numbers, shared):
                rows[:0] = [(pid, detail(number)) for pid, number in zip(new_ids, numbers, strict=True)]
            bulk_insert(self.connection, EVENTS, ("prospect_id", "detail"), rows, shared, {"detail": None})

    def add_events(self, kind: str, rows: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """Insert history events of one kind, (prospect id, detail) each, in one executemany."""
        if rows:
            with indexes_deferred(self.connection, EVENTS, len(rows)):
                bulk_insert(self.connection, EVENTS, ("prospect_id", "detail"), rows,
                            {"at": utcnow(), "actor": self.actor, "kind": kind})


def _new_and_known(records: Sequence[Record], known: dict[str, int]) -> tuple[list[Record], list[Record]]:
    """The records whose identity is not known yet, and those whose identity is."""
    if not known:  # a market's first import: a million rows are spared two lookups each
        return list(records), []
    return ([record for record in records if record["identity"] not in known],
            [record for record in records if record["identity"] in known])


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """Slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
