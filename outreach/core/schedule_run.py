"""The state of one scheduling run: the requests it reads and what their planning shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from outreach.core import dnc
from outreach.core.campaign import Campaign, Market
from outreach.core.compose_skeleton import Skeleton
from outreach.core.planner import Planner
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_settings import SendingSettings
from outreach.core.templates import Renderer


@dataclass(slots=True)
class Pending:
    """An approved request with what scheduling needs of it and its prospect (read with Core)."""

    id: int
    campaign_id: int
    market: str
    prospect_id: int
    state: str
    subject: str | None
    body: str | None
    email: str | None
    contact_name: str | None
    timezone: str | None
    host: str | None
    do_not_contact: bool


@dataclass(frozen=True)
class MarketSetup:
    """What every request of one market shares in a run: settings, mailbox, message skeleton."""

    market: Market
    sending: SendingSettings
    box: MailboxSettings
    skeleton: Skeleton
    own_domain: str


@dataclass
class Run:
    """State shared by every request of one scheduling run."""

    session: Session
    campaign: Campaign
    mailboxes: Sequence[MailboxSettings]
    planner: Planner
    renderer: Renderer
    now: datetime
    actor: str
    blocklist: dnc.Blocklist
    markets: dict[str, MarketSetup] = field(default_factory=dict)
    followup_errors: dict[str, str | None] = field(default_factory=dict)
    """Per market, why its follow-ups cannot be booked (text not approved), read before planning: a
    forked planner has no database."""
