"""The outbox as people look at it: the queue with local and UTC times, and each mailbox's caps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from outreach.core import followup_plan
from outreach.core.claims import COUNTED
from outreach.core.outbox_tables import MailboxPause, OutboxMessage, SendLogEntry
from outreach.core.send_accounts import MailboxSettings
from outreach.core.windows import zone

STEP_NAMES = ("pitch", "followup-1", "followup-2", "followup-3", "followup-4", "followup-5")


@dataclass(frozen=True)
class QueueRow:
    """One outbox message as the queue shows it (or a follow-up booked but not composed yet)."""

    id: int | None
    """None for a booked follow-up: it becomes a message once the one before it is sent."""
    request_id: int
    market: str
    step: str
    state: str
    recipient: str
    mailbox: str
    send_at_utc: datetime
    send_at_local: datetime
    """The same instant in the recipient's zone."""
    timezone: str
    subject: str
    attempts: int
    note: str
    """The server's last reply, why it stopped, or who resolved it."""

    def as_json(self) -> dict[str, Any]:
        """The row with ISO 8601 times, for `--json`."""
        data = asdict(self)
        data["send_at_utc"] = self.send_at_utc.isoformat()
        data["send_at_local"] = self.send_at_local.isoformat()
        return data

    @property
    def label(self) -> str:
        """`#id`, or `planned` for a follow-up not composed yet."""
        return "planned" if self.id is None else f"#{self.id}"

    @property
    def key(self) -> str:
        """A key unique within the queue (a table's row key)."""
        return f"planned-{self.request_id}-{self.step}" if self.id is None else str(self.id)


def queue(session: Session, campaign_id: int, *, market: str | None = None,
          states: Sequence[str] | None = ("scheduled", "sending", "uncertain"),
          limit: int = 500) -> list[QueueRow]:
    """Messages of a campaign, soonest first, with their local and UTC send times."""
    query = select(OutboxMessage).where(col(OutboxMessage.campaign_id) == campaign_id)
    if market is not None:
        query = query.where(col(OutboxMessage.market) == market)
    if states:
        query = query.where(col(OutboxMessage.state).in_(list(states)))
    query = query.order_by(col(OutboxMessage.send_at), col(OutboxMessage.id)).limit(limit)
    rows = [_row(message) for message in session.scalars(query).all()]
    if states is None or "scheduled" in states:
        rows = sorted(rows + _booked(session, campaign_id, market, limit),
                      key=lambda row: (row.send_at_utc, row.id or 0))[:limit]
    return rows


def _booked(session: Session, campaign_id: int, market: str | None, limit: int) -> list[QueueRow]:
    """Follow-ups booked but not composed yet, from the plans the messages before them carry (waiting
    ones through the queue's index, sent ones through the partial index of those holding a plan)."""
    found: list[OutboxMessage] = []
    for states in (("scheduled", "sending", "uncertain"), ("sent",)):
        query = select(OutboxMessage).where(col(OutboxMessage.state).in_(states),
                                            col(OutboxMessage.planned_followups).is_not(None),
                                            col(OutboxMessage.campaign_id) == campaign_id)
        if market is not None:
            query = query.where(col(OutboxMessage.market) == market)
        found += session.scalars(query.order_by(col(OutboxMessage.send_at)).limit(limit)).all()
    return [row for message in found for row in _planned_rows(message)]


def _planned_rows(message: OutboxMessage) -> list[QueueRow]:
    """A message's booked follow-ups as queue rows."""
    rows, before = [], _step_name(message.step)
    for offset, step in enumerate(followup_plan.decode(message.planned_followups), start=1):
        rows.append(QueueRow(None, message.request_id, message.market, _step_name(message.step + offset),
                             "planned", message.recipient, message.mailbox, step.send_at,
                             step.send_at.astimezone(zone(message.timezone)), message.timezone,
                             message.subject, 0, f"composed once {before} is sent"))
        before = _step_name(message.step + offset)
    return rows


def _step_name(step: int) -> str:
    """A step as people name it: pitch, followup-1, …"""
    return STEP_NAMES[step] if step < len(STEP_NAMES) else f"step-{step}"


def _row(message: OutboxMessage) -> QueueRow:
    step = _step_name(message.step)
    note = message.stop_reason or (f"{message.resolution} ({message.resolved_by})" if message.resolution
                                   else message.smtp_reply or "")
    return QueueRow(message.id or 0, message.request_id, message.market, step, message.state,
                    message.recipient, message.mailbox, message.send_at,
                    message.send_at.astimezone(zone(message.timezone)), message.timezone, message.subject,
                    message.attempts, note)


@dataclass(frozen=True)
class MailboxUsage:
    """How much of a mailbox's caps the last day and hour used, and whether it is paused."""

    name: str
    sent_24h: int
    daily_cap: int | None
    sent_1h: int
    hourly_cap: int | None
    waiting: int
    """Messages of this mailbox still scheduled."""
    paused: str | None
    """Why it is paused, or None."""


def mailbox_usage(session: Session, mailboxes: Sequence[MailboxSettings],
                  now: datetime) -> list[MailboxUsage]:
    """Each configured mailbox's caps used, waiting messages and pause."""
    rows = []
    for box in mailboxes:
        pause = session.get(MailboxPause, box.name)
        waiting = session.execute(select(func.count()).select_from(OutboxMessage).where(
            col(OutboxMessage.mailbox) == box.name, col(OutboxMessage.state) == "scheduled")).scalar_one()
        rows.append(MailboxUsage(box.name, _sent_since(session, box.name, now - timedelta(hours=24)),
                                 box.daily_cap, _sent_since(session, box.name, now - timedelta(hours=1)),
                                 box.hourly_cap, int(waiting), pause.reason if pause else None))
    return rows


def _sent_since(session: Session, mailbox: str, since: datetime) -> int:
    query = select(func.count()).select_from(SendLogEntry).where(
        col(SendLogEntry.mailbox) == mailbox, col(SendLogEntry.at) >= since,
        col(SendLogEntry.outcome).in_(COUNTED))
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class Stranded:
    """Queued messages of one market whose mailbox is not in settings: nothing will ever send them."""

    mailbox: str
    market: str
    waiting: int
    """Messages still `scheduled` for this mailbox and market."""
    due: int
    """Of those, how many are due already."""

    def warning(self) -> str:
        """What is wrong and what to do, in one line (the CLI and the app show the same words)."""
        due = f", {self.due} due now" if self.due else ""
        return (f"mailbox '{self.mailbox}' is not in settings: {self.waiting} {self.market} message(s) wait "
                f"for it{due} and will never be sent. Restore [[mailboxes]] name = \"{self.mailbox}\" in "
                f"settings.toml, or move them: outreach outbox move --from {self.mailbox} --to MAILBOX "
                f"--market {self.market}")


def stranded(session: Session, campaign_id: int, mailboxes: Sequence[MailboxSettings],
             now: datetime) -> list[Stranded]:
    """Queued messages whose mailbox is not configured, counted per mailbox and market (due or not)."""
    names = [box.name for box in mailboxes]
    due = func.sum(case((col(OutboxMessage.send_at) <= now, 1), else_=0))
    query = (select(col(OutboxMessage.mailbox), col(OutboxMessage.market), func.count(), due)
             .where(col(OutboxMessage.campaign_id) == campaign_id, col(OutboxMessage.state) == "scheduled",
                    col(OutboxMessage.mailbox).not_in(names))
             .group_by(col(OutboxMessage.mailbox), col(OutboxMessage.market))
             .order_by(col(OutboxMessage.mailbox), col(OutboxMessage.market)))
    return [Stranded(mailbox, market, int(waiting), int(due_now or 0))
            for mailbox, market, waiting, due_now in session.execute(query).all()]
