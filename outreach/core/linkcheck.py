"""`outreach verify`: check every placement's source page and keep the link's history.

A check row is stored per page visit; a change row (lost, restored, nofollow, followed, anchor
changed, redirected) only when the link differs from what the placement recorded. Lost and
restored links leave and re-enter the rule gate's tallies through `placements.set_status`.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from outreach.core import placements
from outreach.core.campaign import Campaign
from outreach.core.gate_queries import in_chunks
from outreach.core.linkcheck_fetch import Fetched, FetchSettings, Job, Progress, crawl
from outreach.core.linkcheck_page import url_key
from outreach.core.models import LinkChange, LinkCheck, Placement, utcnow
from outreach.core.store import Store

GONE = (404, 410)
"""HTTP statuses that mean the page, and so the link, is gone (others may be passing trouble)."""


@dataclass
class VerifySummary:
    """What one verify run found: pages by status and the changes recorded."""

    checked: int = 0
    skipped: int = 0
    """Pages not checked because the run was cancelled."""
    statuses: Counter[str] = field(default_factory=Counter)
    changes: list[LinkChange] = field(default_factory=list)
    paced: dict[str, float] = field(default_factory=dict)
    """Sites fetched one page at a time, this many seconds apart, as their robots.txt Crawl-delay asked."""
    refused: dict[str, float] = field(default_factory=dict)
    """Sites not checked because their Crawl-delay was over the limit, and the delay they asked for."""

    def status_line(self) -> str:
        """Pages per status, most common first (`ok 12, missing 1`), or `nothing`."""
        counts = sorted(self.statuses.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{name} {count}" for name, count in counts) or "nothing"

    def pace_line(self) -> str:
        """Which sites' Crawl-delay slowed the run or kept it away (`` when none did)."""
        parts = [f"slowed by Crawl-delay: {_seconds(self.paced)}" if self.paced else "",
                 f"Crawl-delay too long, not checked: {_seconds(self.refused)}" if self.refused else ""]
        return "; ".join(part for part in parts if part)


def _seconds(delays: dict[str, float]) -> str:
    """`https://a.mx 5 s, https://b.mx 2 s`, sites in name order."""
    return ", ".join(f"{site} {delay:g} s" for site, delay in sorted(delays.items()))


def jobs_for(session: Session, campaign_id: int, market: str | None = None) -> list[Job]:
    """One job per placement of the campaign (or one market), lost ones too: they may be back."""
    query = select(Placement).where(col(Placement.campaign_id) == campaign_id)
    if market is not None:
        query = query.where(col(Placement.market) == market)
    return [Job(row.id or 0, row.source_url, row.page_url)
            for row in session.exec(query.order_by(col(Placement.id)))]


def status_of(fetched: Fetched) -> str:
    """The check's one-word status: what is most wrong with the page or its link."""
    facts = fetched.facts
    if fetched.outcome != "ok" or facts is None:
        return fetched.outcome
    if not facts.link_found:
        return "missing"
    if facts.rel_kind != "follow":
        return "nofollow"
    if facts.noindex:
        return "noindex"
    return "canonical-elsewhere" if facts.canonical else "ok"


def _check_row(fetched: Fetched, campaign_id: int, at: datetime) -> LinkCheck:
    """The stored record of one page visit."""
    facts = fetched.facts
    return LinkCheck(
        placement_id=fetched.job.placement_id, campaign_id=campaign_id, checked_at=at,
        status=status_of(fetched), http_status=fetched.http_status, final_url=fetched.final_url,
        redirects=fetched.redirects, link_found=bool(facts and facts.link_found),
        anchor=facts.anchor if facts else None, rel=facts.rel if facts else None,
        noindex=bool(facts and facts.noindex), canonical=facts.canonical if facts else None,
        error=fetched.error)


def _previous_final_url(session: Session, placement_id: int) -> str | None:
    """Where the page ended up at the previous check (None before the first)."""
    query = (select(LinkCheck.final_url).where(col(LinkCheck.placement_id) == placement_id)
             .order_by(col(LinkCheck.id).desc()).limit(1))
    return session.exec(query).first()


Change = tuple[str, str | None, str | None]
"""(kind, before, after)."""


def _changes(session: Session, placement: Placement, fetched: Fetched) -> list[Change]:
    """(kind, before, after) for each way the link differs from what the placement recorded."""
    found: list[Change] = []
    gone = fetched.outcome == "http-error" and fetched.http_status in GONE
    facts = fetched.facts if fetched.outcome == "ok" else None
    if gone or (facts is not None and not facts.link_found):
        if placement.status == "live":
            found.append(("lost", placement.source_url, f"HTTP {fetched.http_status}" if gone else None))
        return found
    if facts is None:
        return found
    if placement.status == "lost":
        found.append(("restored", None, placement.source_url))
    if facts.rel_kind != placement.rel:
        kind = "nofollow" if facts.rel_kind != "follow" else "followed"
        found.append((kind, placement.rel, facts.rel_kind))
    if facts.anchor is not None and facts.anchor.casefold() != placement.anchor.strip().casefold():
        found.append(("anchor-changed", placement.anchor, facts.anchor))
    final = fetched.final_url
    if final and url_key(final) != url_key(placement.source_url):
        before = _previous_final_url(session, placement.id or 0)
        if before is None or url_key(before) != url_key(final):
            found.append(("redirected", before or placement.source_url, final))
    return found


def _apply(session: Session, campaign: Campaign, placement: Placement, kind: str, after: str | None,
           actor: str) -> None:
    """Bring the placement in line with a change (status, rel or anchor), tallies included."""
    if kind == "lost":
        placements.set_status(session, placement, "lost", actor)
    elif kind == "restored":
        placements.set_status(session, placement, "live", actor)
    elif kind in ("nofollow", "followed") and after:
        placement.rel = after
        session.add(placement)
    elif kind == "anchor-changed" and after:
        placements.change_anchor(session, campaign, placement, after, actor)


def _placements_by_id(session: Session, campaign_id: int, ids: list[int]) -> dict[int, Placement]:
    """The campaign's placements with these ids, read in chunks."""
    found: dict[int, Placement] = {}
    for chunk in in_chunks(ids):
        query = select(Placement).where(col(Placement.campaign_id) == campaign_id,
                                        col(Placement.id).in_(chunk))
        found.update({row.id or 0: row for row in session.exec(query)})
    return found


def record_results(session: Session, campaign: Campaign, campaign_id: int, results: list[Fetched],
                   actor: str, at: datetime | None = None) -> VerifySummary:
    """Store a check per page and a change row per difference, updating the placements."""
    moment = at or utcnow()
    summary = VerifySummary(checked=len(results))
    rows = _placements_by_id(session, campaign_id, [fetched.job.placement_id for fetched in results])
    for fetched in results:
        placement = rows.get(fetched.job.placement_id)
        if placement is None:
            continue
        check = _check_row(fetched, campaign_id, moment)
        summary.statuses[check.status] += 1
        for kind, before, after in _changes(session, placement, fetched):
            change = LinkChange(placement_id=fetched.job.placement_id, campaign_id=campaign_id,
                                market=placement.market, at=moment, kind=kind, before=before, after=after)
            session.add(change)
            summary.changes.append(change)
            _apply(session, campaign, placement, kind, after, actor)
        session.add(check)
    session.flush()
    return summary


def verify(store: Store, campaign: Campaign, campaign_id: int, market: str | None = None, *,
           settings: FetchSettings | None = None, progress: Progress | None = None,
           cancel: threading.Event | None = None) -> VerifySummary:
    """Check the placements' pages (no transaction is held while fetching), then store what was found."""
    tag = campaign.market(market).tag if market else None
    with store.transaction() as session:
        jobs = jobs_for(session, campaign_id, tag)
    run = asyncio.run(crawl(jobs, settings or FetchSettings(), progress=progress, cancel=cancel))
    with store.transaction() as session:
        summary = record_results(session, campaign, campaign_id, run.fetched, store.actor)
    summary.skipped = len(jobs) - len(run.fetched)
    summary.paced, summary.refused = run.paced, run.refused
    return summary


def latest_checks(session: Session, campaign_id: int) -> dict[int, LinkCheck]:
    """The most recent check of each placement of a campaign."""
    newest = (select(func.max(LinkCheck.id)).where(col(LinkCheck.campaign_id) == campaign_id)
              .group_by(col(LinkCheck.placement_id)))
    rows = session.exec(select(LinkCheck).where(col(LinkCheck.id).in_(newest)))
    return {row.placement_id: row for row in rows}
