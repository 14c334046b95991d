"""Merging a cluster of prospects into one: the richest record survives, nothing of the others is lost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlmodel import Session

from outreach.core import audit
from outreach.core.campaign import Market
from outreach.core.models import STAGES, LinkRequest, utcnow
from outreach.core.prospect_writes import (
    ALIASES,
    EVENTS,
    FILLED_IN,
    PROSPECTS,
    ProspectWriter,
    core,
    merge_values,
)
from outreach.core.search_text import search_text_of
from outreach.errors import NotFoundError, ProspectError

SNAPSHOT = ("id", "identity", "domain", "host", "url", "outlet", "contact_name", "email", "stage",
            "metrics", "origin")
"""What a `merged` event keeps of each absorbed record."""


def richness(row: dict[str, Any]) -> tuple[int, int]:
    """How much a record knows (filled fields, then metrics): the survivor is the richest."""
    return sum(row.get(name) is not None for name in FILLED_IN), len(row.get("metrics") or {})


def merge_prospects(session: Session, campaign_id: int, market: Market, ids: Sequence[int],
                    actor: str) -> int:
    """Merge these prospects of one market into the richest; return the survivor's id."""
    writer = ProspectWriter(session, campaign_id, market, actor)
    rows = writer.rows_by_id(ids)
    _check(rows, ids, campaign_id, market.tag)
    survivor = max(rows.values(), key=lambda row: (*richness(row), -row["id"]))
    absorbed = [row for row in rows.values() if row["id"] != survivor["id"]]
    merged = dict(survivor)
    for row in absorbed:
        merged.update(merge_values(merged, row, market))
    merged["stage"] = max((row["stage"] for row in rows.values()), key=STAGES.index)
    merged["metrics"] = {key: value for row in (*absorbed, survivor) for key, value in row["metrics"].items()}
    _write_survivor(session, merged)
    _move_history(session, campaign_id, market.tag, survivor["id"], absorbed)
    writer.add_events("merged", [(survivor["id"], {"absorbed": [_snapshot(row) for row in absorbed]})])
    audit.record(session, actor=actor, action="prospect.merge", object_type="prospect",
                 object_id=survivor["id"], campaign_id=campaign_id,
                 detail={"market": market.tag, "absorbed": [row["id"] for row in absorbed]})
    session.expire_all()
    return int(survivor["id"])


def _check(rows: dict[int, dict[str, Any]], ids: Sequence[int], campaign_id: int, market: str) -> None:
    """Every id must be a prospect of this campaign market, and there must be two or more."""
    missing = [pid for pid in ids if pid not in rows or rows[pid]["campaign_id"] != campaign_id
               or rows[pid]["market"] != market]
    if missing:
        raise NotFoundError(f"no prospect {', '.join(map(str, missing))} in market {market}")
    if len(rows) < 2:
        raise ProspectError("a merge needs at least two prospects")


def _write_survivor(session: Session, merged: dict[str, Any]) -> None:
    """Store the merged values on the surviving row."""
    values = {name: merged[name] for name in (*FILLED_IN, "country", "country_source", "language",
                                              "language_source", "locality", "metrics",
                                              "do_not_contact", "stage")}
    core(session).execute(update(PROSPECTS).where(PROSPECTS.c.id == merged["id"])
                                 .values(**values, search_text=search_text_of(merged), dedupe_cluster=None,
                                         updated_at=utcnow()))


REQUESTS: Table = LinkRequest.__table__  # type: ignore[attr-defined]


def _move_history(session: Session, campaign_id: int, market: str, survivor: int,
                  absorbed: Sequence[dict[str, Any]]) -> None:
    """Events and aliases of absorbed records move to the survivor; their identities become aliases."""
    gone = [row["id"] for row in absorbed]
    connection = core(session)
    connection.execute(update(EVENTS).where(EVENTS.c.prospect_id.in_(gone)).values(prospect_id=survivor))
    connection.execute(update(ALIASES).where(ALIASES.c.prospect_id.in_(gone)).values(prospect_id=survivor))
    connection.execute(update(REQUESTS).where(REQUESTS.c.prospect_id.in_(gone)).values(prospect_id=survivor))
    connection.execute(insert(ALIASES), [{"prospect_id": survivor, "campaign_id": campaign_id,
                                          "market": market, "identity": row["identity"],
                                          "created_at": utcnow()} for row in absorbed])
    connection.execute(delete(PROSPECTS).where(PROSPECTS.c.id.in_(gone)))


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    """The absorbed record as it was, for its history."""
    return {name: row.get(name) for name in SNAPSHOT}


def cluster_members(session: Session, campaign_id: int, market: str, cluster: int) -> list[int]:
    """Prospect ids in a stored dedupe cluster."""
    query = select(PROSPECTS.c.id).where(PROSPECTS.c.campaign_id == campaign_id,
                                         PROSPECTS.c.market == market, PROSPECTS.c.dedupe_cluster == cluster)
    ids = [int(pid) for pid in core(session).execute(query).scalars()]
    if not ids:
        raise NotFoundError(f"no dedupe cluster {cluster} in market {market}; "
                            "run `outreach dedupe` to list them")
    return ids
