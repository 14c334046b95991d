"""Claiming due messages atomically, so no two workers ever hold the same one.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, then the claim in the same transaction, with an
advisory lock per mailbox so concurrent workers count its cap once. SQLite: `BEGIN IMMEDIATE`
makes the transaction the only writer. Each claim commits before any byte goes to a server.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Table, and_, exists, func, or_, select, text, update

from outreach.core.outbox_tables import MailboxPause, OutboxMessage, SendLogEntry
from outreach.core.send_accounts import MailboxSettings

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
SEND_LOG: Table = SendLogEntry.__table__  # type: ignore[attr-defined]
PAUSES: Table = MailboxPause.__table__  # type: ignore[attr-defined]
PREVIOUS = OUTBOX.alias("previous")
"""The outbox again, for a follow-up's predecessor (made once: an alias costs ~1 ms of column setup)."""
COUNTED = ("sent", "uncertain")
"""Log outcomes that count toward caps: an uncertain message may well have gone out."""


@dataclass(frozen=True)
class Claimed:
    """A claimed message: what the worker needs to send it, read in the claiming statement."""

    id: int
    campaign_id: int
    market: str
    step: int
    sender: str
    recipient: str
    content: bytes
    smtputf8: bool
    attempts: int
    prospect_id: int
    request_id: int
    mailbox: str
    recipient_domain: str


def begin_claim(engine: Engine) -> Connection:
    """A connection whose transactions take the write lock at BEGIN on SQLite."""
    connection = engine.connect()
    if connection.dialect.name == "sqlite":
        connection = connection.execution_options(sqlite_begin="IMMEDIATE")
    return connection


def due_condition(now: datetime, campaign_id: int, mailbox: str) -> object:
    """Scheduled, due, from this mailbox and campaign; a follow-up only once its predecessor is sent."""
    previous = PREVIOUS
    predecessor_sent = exists().where(previous.c.request_id == OUTBOX.c.request_id,
                                      previous.c.step == OUTBOX.c.step - 1, previous.c.state == "sent")
    return and_(OUTBOX.c.state == "scheduled", OUTBOX.c.send_at <= now, OUTBOX.c.mailbox == mailbox,
                OUTBOX.c.campaign_id == campaign_id, or_(OUTBOX.c.step == 0, predecessor_sent))


def room(connection: Connection, box: MailboxSettings, now: datetime) -> int | None:
    """How many more messages the mailbox may send now under its caps (None: no cap), counting the
    log of the last day/hour and what workers hold in `sending`."""
    holding = connection.execute(select(func.count()).select_from(OUTBOX).where(
        OUTBOX.c.mailbox == box.name, OUTBOX.c.state == "sending")).scalar_one()
    left: list[int] = []
    for cap, hours in ((box.daily_cap, 24), (box.hourly_cap, 1)):
        if cap is not None:
            used = connection.execute(select(func.count()).select_from(SEND_LOG).where(
                SEND_LOG.c.mailbox == box.name, SEND_LOG.c.at >= now - timedelta(hours=hours),
                SEND_LOG.c.outcome.in_(COUNTED))).scalar_one()
            left.append(cap - int(used) - int(holding))
    return max(0, min(left)) if left else None


def is_paused(connection: Connection, mailbox: str) -> bool:
    """Whether the mailbox was paused (its bounce rate passed the threshold)."""
    return connection.execute(select(PAUSES.c.mailbox).where(PAUSES.c.mailbox == mailbox)).first() is not None


def claim(engine: Engine, box: MailboxSettings, campaign_id: int, worker: str, now: datetime,
          limit: int) -> list[Claimed]:
    """Claim up to `limit` due messages of one mailbox for this worker, committed before returning."""
    with begin_claim(engine) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": zlib.crc32(f"outreach-mailbox:{box.name}".encode())})
        if is_paused(connection, box.name):
            return []
        allowed = room(connection, box, now)
        count = limit if allowed is None else min(limit, allowed)
        if count <= 0:
            return []
        picked = (select(OUTBOX.c.id).where(due_condition(now, campaign_id, box.name))  # type: ignore[arg-type]
                  .order_by(OUTBOX.c.manual.desc(), OUTBOX.c.send_at, OUTBOX.c.id).limit(count))
        if connection.dialect.name == "postgresql":
            picked = picked.with_for_update(skip_locked=True)
        ids = list(connection.execute(picked).scalars())
        if not ids:
            return []
        rows = connection.execute(
            update(OUTBOX).where(OUTBOX.c.id.in_(ids), OUTBOX.c.state == "scheduled")
            .values(state="sending", claimed_by=worker, claimed_at=now, attempts=OUTBOX.c.attempts + 1,
                    updated_at=now)
            .returning(OUTBOX.c.id, OUTBOX.c.campaign_id, OUTBOX.c.market, OUTBOX.c.step, OUTBOX.c.sender,
                       OUTBOX.c.recipient, OUTBOX.c.content, OUTBOX.c.smtputf8, OUTBOX.c.attempts,
                       OUTBOX.c.prospect_id, OUTBOX.c.request_id, OUTBOX.c.mailbox,
                       OUTBOX.c.recipient_domain)).all()
    return sorted((Claimed(*row) for row in rows), key=lambda item: ids.index(item.id))
