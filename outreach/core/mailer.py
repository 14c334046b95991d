"""The send loop: claim a batch, send each message's stored bytes, commit the outcomes together.

A claim commits before sending and outcomes commit after the batch, so a crash leaves at most one
batch in `sending`; on restart those become `uncertain`, never re-sent. Batching the commits (one
connection, prebuilt bytes) is what lets one worker pass 300 messages a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from outreach.core import db, dnc
from outreach.core.campaign import Campaign
from outreach.core.claims import Claimed, claim
from outreach.core.compose import stamped
from outreach.core.followups import FollowupReport, sweep_followups
from outreach.core.models import utcnow
from outreach.core.outbox import unstick_after_crash
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_health import check_bounce_rate
from outreach.core.send_results import settle_deferred, settle_failed, settle_sent_batch, settle_uncertain
from outreach.core.templates import Renderer
from outreach.core.transport import Mailer, Outcome, SmtpMailer

BATCH = 50
"""Messages claimed and settled per transaction."""
FOLLOWUPS_EVERY = 500
"""Messages sent between two passes composing their follow-ups: a pass has a fixed cost (approvals,
the do-not-contact list), and a follow-up is days away, so a batch need not wait for one."""
POLL_SECONDS = 30.0
"""How long a polling worker sleeps when nothing is due."""


def default_worker_name() -> str:
    """This host's name: a restarted worker finds what it left in `sending`."""
    return socket.gethostname() or "worker"


@dataclass
class SendReport:
    """What a run did, by outcome, plus paused mailboxes and crash leftovers."""

    outcomes: Counter[str] = field(default_factory=Counter)
    paused: list[str] = field(default_factory=list)
    recovered: int = 0
    """Messages found in `sending` from an earlier crash, now uncertain."""
    followups: FollowupReport = field(default_factory=FollowupReport)
    """Follow-ups composed after the messages before them went, and why others wait or ended."""

    @property
    def total(self) -> int:
        """Messages attempted."""
        return sum(self.outcomes.values())


Progress = Callable[[SendReport], None]


@dataclass
class SendLoop:
    """One worker sending one campaign's due messages through its mailboxes."""

    engine: Engine
    campaign: Campaign
    campaign_id: int
    mailboxes: Sequence[MailboxSettings]
    worker: str = field(default_factory=default_worker_name)
    mailer_for: Callable[[MailboxSettings], Mailer] = SmtpMailer
    batch: int = BATCH
    clock: Callable[[], datetime] = utcnow
    progress: Progress | None = None
    report: SendReport = field(default_factory=SendReport)
    _mailers: dict[str, Mailer] = field(default_factory=dict)
    _renderer: Renderer | None = None
    _unfollowed: int = 0
    """Messages sent since follow-ups were last composed."""

    def recover(self) -> int:
        """Turn this worker's leftovers in `sending` (and stale claims) into `uncertain`."""
        with db.transaction(self.engine) as session:
            found = unstick_after_crash(session, self.worker, now=self.clock())
        self.report.recovered += found
        return found

    async def run_once(self) -> SendReport:
        """Send everything due now, batch by batch, then close the connections."""
        self.report = SendReport()
        self.recover()
        self.compose_followups()
        try:
            while await self._one_round():
                pass
            if self._unfollowed:
                self.compose_followups()
        finally:
            await self.close()
        return self.report

    async def run_forever(self, stop: asyncio.Event, poll: float = POLL_SECONDS) -> SendReport:
        """Keep sending what falls due until `stop` is set."""
        self.report = SendReport()
        self.recover()
        try:
            while not stop.is_set():
                if not await self._one_round():
                    self.compose_followups()
                    await self._close_mailers()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=poll)
        finally:
            await self.close()
        return self.report

    async def _one_round(self) -> bool:
        """One batch per mailbox; False when no mailbox had anything to send."""
        worked = False
        for box in self.mailboxes:
            claimed = claim(self.engine, box, self.campaign_id, self.worker, self.clock(), self.batch)
            if claimed:
                worked = True
                await self._send_batch(box, claimed)
        return worked

    async def _send_batch(self, box: MailboxSettings, claimed: list[Claimed]) -> None:
        """Send a claimed batch over the mailbox's connection and settle it in one transaction."""
        with db.transaction(self.engine) as session:
            blocklist = dnc.Blocklist.load(session)
        mailer = self._mailers.get(box.name) or self._mailers.setdefault(box.name, self.mailer_for(box))
        results: list[tuple[Claimed, Outcome, datetime]] = []
        for item in claimed:
            if blocklist.blocks(item.recipient) or blocklist.suppresses(item.recipient):
                blocked = Outcome("failed", "blocked: do-not-contact or suppressed")
                results.append((item, blocked, self.clock()))
                continue
            moment = self.clock()
            outcome = await mailer.send(item.sender, item.recipient, stamped(item.content, moment),
                                        smtputf8=item.smtputf8)
            results.append((item, outcome, moment))
        self._settle(box, results)

    def _settle(self, box: MailboxSettings, results: list[tuple[Claimed, Outcome, datetime]]) -> None:
        """Write every outcome of a batch, then check the mailbox's bounce rate."""
        sent = [(item, moment, outcome.reply) for item, outcome, moment in results if outcome.kind == "sent"]
        others = [(item, outcome, moment) for item, outcome, moment in results if outcome.kind != "sent"]
        with db.transaction(self.engine) as session:
            settle_sent_batch(session, sent)
            if others:
                rows = _messages(session, [item.id for item, _, _ in others])
                for item, outcome, moment in others:
                    self._settle_one(session, rows[item.id], outcome, moment)
            self.report.outcomes.update(outcome.kind for _, outcome, _ in results)
            if check_bounce_rate(session, box, self.clock()):
                self.report.paused.append(box.name)
        self._unfollowed += len(sent)
        if self._unfollowed >= FOLLOWUPS_EVERY:
            self.compose_followups()
        if self.progress is not None:
            self.progress(self.report)

    def compose_followups(self) -> FollowupReport:
        """Queue the next follow-up of every sent message still holding one (those this loop sent, and
        what a crash, a resolution or a wait for approval left), in its own transaction."""
        self._renderer = self._renderer or Renderer(self.campaign)
        self._unfollowed = 0
        # On SQLite, take the write lock first: a read-then-write transaction fails when another
        # sender (the app's, a second CLI one) commits in between.
        with db.transaction(self.engine.execution_options(sqlite_begin="IMMEDIATE")) as session:
            found = sweep_followups(session, self.campaign, self.campaign_id, self.mailboxes,
                                    renderer=self._renderer, now=self.clock())
        self.report.followups.composed += found.composed
        self.report.followups.ended.update(found.ended)
        self.report.followups.waiting = found.waiting  # a sweep sees every one still waiting
        return found

    def _settle_one(self, session: Session, message: OutboxMessage, outcome: Outcome, at: datetime) -> None:
        sending = self.campaign.sending_for(message.market)
        if outcome.kind == "deferred":
            settle_deferred(session, message, at, outcome.reply, max_attempts=sending.max_attempts,
                            retry_minutes=sending.retry_minutes)
        elif outcome.kind == "uncertain":
            settle_uncertain(session, message, at, outcome.reply)
        else:
            settle_failed(session, message, at, outcome.reply, hard=outcome.kind == "bounced")

    async def _close_mailers(self) -> None:
        for mailer in self._mailers.values():
            await mailer.close()
        self._mailers.clear()

    async def close(self) -> None:
        """Close every mailbox connection."""
        await self._close_mailers()


def _messages(session: Session, ids: list[int]) -> dict[int, OutboxMessage]:
    """Outbox rows by id, loaded in one query."""
    query = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
    return {message.id or 0: message for message in session.exec(query).all()}


def due_messages(session: Session, campaign_id: int, now: datetime, limit: int = 1000) -> list[OutboxMessage]:
    """What a run would claim now, without claiming it (for `send --dry-run`)."""
    query = (select(OutboxMessage).where(col(OutboxMessage.campaign_id) == campaign_id,
                                         col(OutboxMessage.state) == "scheduled",
                                         col(OutboxMessage.send_at) <= now)
             .order_by(col(OutboxMessage.send_at)).limit(limit))
    return list(session.exec(query).all())
