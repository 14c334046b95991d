"""A small sending world: a workspace with templates, a store, prospects and approved requests."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from outreach.core import review
from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.followups import FollowupReport, compose_followups
from outreach.core.models import LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_results import settle_sent
from outreach.core.store import Store
from outreach.core.templates import Renderer
from tests.campaigns import base_campaign
from tests.core.workspaces import mx_workspace

NOW = datetime(2026, 11, 13, 20, 0, tzinfo=UTC)
"""A Friday evening in UTC (afternoon in Mexico City, night in Madrid)."""


def sending_campaign(*, velocity_lifted: bool = False, **sending: Any) -> dict[str, Any]:
    """The two-market test campaign with Mon-Thu 09:30-11:30 windows and a [sending] table; the
    velocity rule's caps lifted when asked (it spreads 120 pitches over weeks otherwise)."""
    data = copy.deepcopy(base_campaign())
    if velocity_lifted:
        data["rules"] = {"velocity": {"requests_7d": 100_000, "requests_30d": 100_000}}
    data["sending"] = {"followups": [], **sending}
    data["markets"]["es-MX"].update({"business_hours": ["09:30-11:30"],
                                     "business_days": ["mon", "tue", "wed", "thu"]})
    data["markets"]["es-ES"].update({"business_hours": ["09:30-11:30"], "holidays": "ES-MD",
                                     "business_days": ["mon", "tue", "wed", "thu"]})
    return data


def mailbox(**fields: Any) -> MailboxSettings:
    """A mailbox at a local test server (port filled in by tests that send)."""
    values: dict[str, Any] = {"name": "default", "host": "127.0.0.1", "port": 2525, "security": "none",
                              "from_address": "lucia@site.com", "from_name": "Lucía Romero",
                              "daily_cap": 50, "domain_gap_seconds": 60}
    return MailboxSettings(**{**values, **fields})


@dataclass
class World:
    """A store with the campaign registered, and helpers to add prospects and approved requests."""

    root: Path
    store: Store
    campaign: Campaign
    campaign_id: int
    counter: list[int] = field(default_factory=lambda: [0])

    @classmethod
    def make(cls, root: Path, url: str, campaign: dict[str, Any] | None = None) -> World:
        """Write the workspace and open a fresh store."""
        mx_workspace(root)
        if campaign is not None:
            import tomli_w

            (root / "campaign.toml").write_text(tomli_w.dumps(campaign), encoding="utf-8")
        loaded = load_campaign(root)
        store = Store.open(url, "tester")
        return cls(root, store, loaded, store.campaign_id(loaded))

    def renderer(self) -> Renderer:
        """A renderer that re-reads files on every call."""
        renderer = Renderer(self.campaign)
        renderer.library.recheck_seconds = 0.0
        return renderer

    def approve_templates(self, tag: str, *names: str) -> None:
        """Approve the subject and these templates of a market."""
        with self.store.transaction() as session:
            for name in ("subject", *names):
                review.approve(session, self.renderer(), tag, name, "reviewer")

    def request(self, market: str = "es-MX", *, email: str | None = None, timezone: str | None = None,
                contact: str = "Ana Pérez", subject: str = "Datos de nómina para El Diario",
                body: str = "Buen día:\n\nLe escribo de Site.\n") -> int:
        """An approved request to a fresh prospect; returns its id."""
        self.counter[0] += 1
        number = self.counter[0]
        address = email or f"editor{number}@diario{number}.mx"
        page = self.campaign.market(market).pages[0].url
        with self.store.transaction() as session:
            prospect = Prospect(campaign_id=self.campaign_id, market=market, identity=f"p{number}",
                                domain=address.rpartition("@")[2], email=address, contact_name=contact,
                                first_name=contact.split(" ")[0], timezone=timezone, stage="qualified")
            session.add(prospect)
            session.flush()
            request = LinkRequest(campaign_id=self.campaign_id, market=market, prospect_id=prospect.id or 0,
                                  page_url=page, anchor="Site", anchor_class="branded", state="approved",
                                  subject=subject, body=body, created_by="tester", approved_by="tester",
                                  approved_at=NOW, counted_on=NOW.date())
            session.add(request)
            session.flush()
            return request.id or 0

    def sent(self, outbox_id: int, at: datetime | None = None,
             mailboxes: list[MailboxSettings] | None = None) -> FollowupReport:
        """Settle a message as sent (at its planned time unless told), as the sender does, and compose
        its next follow-up as the sender does right after."""
        with self.store.transaction() as session:
            message = session.get(OutboxMessage, outbox_id)
            assert message is not None
            settle_sent(session, message, at or message.send_at, "250 2.0.0 OK")
            return compose_followups(session, self.campaign, self.campaign_id, mailboxes or [mailbox()],
                                     renderer=self.renderer(), ids=[outbox_id], now=at or message.send_at)

    def messages(self, request_id: int) -> list[OutboxMessage]:
        """The request's outbox rows, pitch first."""
        with self.store.transaction() as session:
            query = select(OutboxMessage).where(col(OutboxMessage.request_id) == request_id)
            return list(session.exec(query.order_by(col(OutboxMessage.step))).all())
