"""The placement log as people read it: each placement with its latest link check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from outreach.core.linkcheck import latest_checks
from outreach.core.models import Placement

LIST_COLUMNS = ("id", "market", "page_url", "source_url", "source_domain", "anchor", "anchor_class", "rel",
                "language", "country", "locality", "found_on", "status", "placed_by", "reason", "cost",
                "cost_currency", "origin", "check", "checked_at")
"""Columns of `outreach placements list` and its CSV/JSON output."""


@dataclass(frozen=True)
class PlacementView:
    """A placement and what its latest link check found (None before the first check)."""

    placement: Placement
    check: str | None
    checked_at: datetime | None

    def values(self) -> list[object]:
        """The row in LIST_COLUMNS order."""
        row = self.placement
        return [row.id, row.market, row.page_url, row.source_url, row.source_domain, row.anchor,
                row.anchor_class, row.rel, row.language, row.country, row.locality, row.found_on.isoformat(),
                row.status, row.placed_by, row.reason, row.cost, row.cost_currency, row.origin,
                self.check, self.checked_at.isoformat(timespec="seconds") if self.checked_at else None]


def list_placements(session: Session, campaign_id: int, market: str | None = None, page: str | None = None,
                    status: str | None = None) -> list[PlacementView]:
    """A campaign's placements (filtered by market, target page, status), newest first."""
    query = select(Placement).where(col(Placement.campaign_id) == campaign_id)
    for column, value in ((Placement.market, market), (Placement.page_url, page), (Placement.status, status)):
        if value is not None:
            query = query.where(col(column) == value)
    rows = list(session.exec(query.order_by(col(Placement.found_on).desc(), col(Placement.id).desc())))
    checks = latest_checks(session, campaign_id)
    return [PlacementView(row, checks[row.id].status if row.id in checks else None,
                          checks[row.id].checked_at if row.id in checks else None) for row in rows]
