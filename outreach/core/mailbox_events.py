"""What came back, as the app and the CLI show it: per market, per prospect and per request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from outreach.core.mailbox_tables import EVENT_KINDS, InboundEvent, MailboxFolder


@dataclass
class MarketMail:
    """Counts of what came back in one market (events not tied to a market are under `?`)."""

    market: str
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        """Events of one kind."""
        return self.counts.get(kind, 0)


def _ours(campaign_id: int) -> ColumnElement[bool]:
    """Events of this campaign, and those tied to none (unreadable messages, bounces for strangers)."""
    return or_(col(InboundEvent.campaign_id) == campaign_id, col(InboundEvent.campaign_id).is_(None))


def by_market(session: Session, campaign_id: int) -> list[MarketMail]:
    """Replies, auto-replies, bounces, unsubscribes and errors per market (`?`: tied to none), in order."""
    query = (select(InboundEvent.market, InboundEvent.kind, func.count())
             .where(_ours(campaign_id))
             .group_by(col(InboundEvent.market), col(InboundEvent.kind)))
    markets: dict[str, MarketMail] = {}
    for market, kind, count in session.exec(query).all():
        markets.setdefault(market or "?", MarketMail(market or "?")).counts[kind] = int(count)
    return [markets[name] for name in sorted(markets)]


def recent(session: Session, campaign_id: int | None = None, *, market: str | None = None,
           kinds: Sequence[str] = EVENT_KINDS, limit: int = 200) -> list[InboundEvent]:
    """Events of a campaign (and those tied to none), or of every campaign, newest received first."""
    query = select(InboundEvent).where(col(InboundEvent.kind).in_(list(kinds)))
    if campaign_id is not None:
        query = query.where(_ours(campaign_id))
    if market is not None:
        query = query.where(col(InboundEvent.market) == market)
    order = (func.coalesce(col(InboundEvent.received_at), col(InboundEvent.recorded_at)).desc(),
             col(InboundEvent.id).desc())
    return list(session.exec(query.order_by(*order).limit(limit)).all())


def for_prospect(session: Session, prospect_id: int) -> list[InboundEvent]:
    """Everything that came back from or about one prospect, oldest first."""
    query = select(InboundEvent).where(col(InboundEvent.prospect_id) == prospect_id)
    return list(session.exec(query.order_by(col(InboundEvent.id))).all())


def for_request(session: Session, request_id: int) -> list[InboundEvent]:
    """Replies and bounces to one link request's messages, oldest first."""
    query = select(InboundEvent).where(col(InboundEvent.request_id) == request_id)
    return list(session.exec(query.order_by(col(InboundEvent.id))).all())


def folders(session: Session) -> list[MailboxFolder]:
    """Every folder's sync state, by mailbox and folder."""
    query = select(MailboxFolder).order_by(col(MailboxFolder.mailbox), col(MailboxFolder.folder))
    return list(session.exec(query).all())


def counted(kinds: Mapping[str, int]) -> str:
    """`2 reply, 1 hard-bounce`, or `nothing new`."""
    return ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "nothing new"


def describe(event: InboundEvent) -> str:
    """One line saying what the event is: a bounce's status, an unsubscribe's phrase, a reply's start."""
    detail = event.detail
    if event.kind.endswith("bounce"):
        return f"{detail.get('status', '')} {detail.get('diagnostic', '')}".strip()
    if event.kind == "unsubscribe":
        return f"'{detail.get('phrase', '')}' ({detail.get('language', '')})"
    if event.kind == "auto-reply":
        return str(detail.get("reason", ""))
    if event.kind == "error":
        return str(detail.get("error", ""))
    return " ".join(str(detail.get("text", "")).split())[:120]
