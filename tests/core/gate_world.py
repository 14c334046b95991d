"""A small world for rule gate tests: a real store, prospects, placements and requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from outreach.core import gate, placements, requests
from outreach.core.campaign import Campaign
from outreach.core.dnc import digest
from outreach.core.findings import Finding
from outreach.core.gate_inputs import TemplateState
from outreach.core.models import DoNotContact, LinkRequest, Placement, Prospect, Suppression
from outreach.core.store import Store

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SITE = "https://www.site.com"


def approved_templates(campaign: Campaign, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], TemplateState]:
    """Every template approved in its market's own locale."""
    return {(tag, name): TemplateState(True, tag, f"{tag}/{name} approved") for tag, name in pairs}


class World:
    """Builds store rows relative to NOW and checks requests against them."""

    def __init__(self, store: Store, campaign: Campaign) -> None:
        self.store, self.campaign = store, campaign
        self.campaign_id = store.campaign_id(campaign)
        self.templates = approved_templates
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def prospect(self, market: str = "es-MX", **fields: Any) -> int:
        """A prospect (defaults: a local Spanish-language Mexican outlet, DR 40)."""
        number = self._next()
        values: dict[str, Any] = {
            "domain": f"medio{number}.com.mx", "email": f"editor{number}@medio{number}.com.mx",
            "language": "es", "language_source": "explicit", "country": "MX", "locality": "local",
            "metrics": {"dr": 40}, "outlet": f"Medio {number}", **fields}
        values.setdefault("identity", f"{values['domain']}|{values['email'] or ''}")
        with self.store.transaction() as session:
            row = Prospect(campaign_id=self.campaign_id, market=market, **values)
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def placements(self, path: str, count: int = 1, *, anchor_class: str = "branded",
                   locality: str = "local", days_ago: int = 60, keyword: str | None = None,
                   market: str | None = None) -> None:
        """Live placements pointing at `path`, found `days_ago` days before NOW."""
        url = f"{SITE}{path}"
        tag = market or self.campaign.page(url).market
        with self.store.transaction() as session:
            for _ in range(count):
                number = self._next()
                row = Placement(campaign_id=self.campaign_id, market=tag, page_url=url,
                                source_url=f"https://source{number}.example.com/a",
                                source_domain=f"source{number}.example.com", anchor="x",
                                anchor_class=anchor_class, anchor_keyword=keyword, locality=locality,
                                found_on=(NOW - timedelta(days=days_ago)).date())
                placements.record(session, row, "tester")

    def request(self, prospect_id: int, path: str, anchor: str, *, context: str | None = None,
                approved_days_ago: int | None = None, pitched_days_ago: int | None = None,
                template: str = "pitch") -> int:
        """A request; approved (counted) and pitched when the day offsets are given."""
        with self.store.transaction() as session:
            row = requests.create(session, self.campaign, self.campaign_id, prospect_id=prospect_id,
                                  page_url=path if "://" in path else f"{SITE}{path}", anchor=anchor,
                                  actor="tester", context=context, template=template)
            if approved_days_ago is not None:
                requests.approve(session, row, [], "tester", NOW - timedelta(days=approved_days_ago))
            if pitched_days_ago is not None:
                requests.move(session, row, "scheduled", "tester")
                requests.move(session, row, "sending", "tester")
                requests.move(session, row, "sent", "tester")
                row.pitched_at = NOW - timedelta(days=pitched_days_ago)
            assert row.id is not None
            return row.id

    def dnc(self, kind: str, value: str) -> None:
        """A do-not-contact entry."""
        with self.store.transaction() as session:
            session.add(DoNotContact(kind=kind, value=value, added_by="tester"))

    def suppress(self, kind: str, value: str) -> None:
        """A hashed suppression entry."""
        with self.store.transaction() as session:
            session.add(Suppression(kind=kind, digest=digest(kind, value.lower()), reason="hard-bounce"))

    def findings(self, request_id: int) -> dict[str, Finding]:
        """Every rule's finding for one request, by rule id."""
        with self.store.transaction() as session:
            row = session.get(LinkRequest, request_id)
            assert row is not None
            found = gate.check_one(session, self.campaign, self.campaign_id, row,
                                   templates=self.templates, now=NOW)
        return {finding.rule: finding for finding in found}
