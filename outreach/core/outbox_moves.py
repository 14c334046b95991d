"""Moving queued messages from one sending mailbox to another (one left out of settings, say).

The move is one transaction: its first statement takes the rows (a row lock on PostgreSQL, the write
lock on SQLite), so a worker can neither claim a message while it moves nor send it half-moved.
Only `scheduled` messages move; each one's bytes are re-composed for the new sender, its Message-ID,
recipient, approved subject and body kept byte for byte (`recompose`), and each move is audited.
The new mailbox's caps apply when its worker claims them: claims count its send log, whoever
queued the messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, update
from sqlmodel import Session

from outreach.core.bulk import bulk_insert
from outreach.core.campaign import Campaign
from outreach.core.models import AuditEntry, utcnow
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.recompose import Stored, recompose
from outreach.core.send_accounts import MailboxSettings, mailbox_named
from outreach.errors import SendingError

OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]
AUDIT: Table = AuditEntry.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MoveReport:
    """What a move did."""

    source: str
    target: str
    by_market: dict[str, int]
    """Messages moved, per market."""
    sender: str
    """The From address they now go from."""

    @property
    def moved(self) -> int:
        """Messages moved in all."""
        return sum(self.by_market.values())


def move_queued(session: Session, campaign: Campaign, campaign_id: int, *, source: str, target: str,
                mailboxes: Sequence[MailboxSettings], actor: str, market: str | None = None,
                now: datetime | None = None) -> MoveReport:
    """Give the campaign's `scheduled` messages of mailbox `source` (of one market, if named) to the
    configured mailbox `target`, re-composed for its sender; all or nothing, audited per message."""
    box = mailbox_named(list(mailboxes), target)
    if box is None:
        known = ", ".join(item.name for item in mailboxes) or "none"
        raise SendingError(f"mailbox '{target}' is not in settings (configured: {known})")
    if source == target:
        raise SendingError(f"messages of '{source}' are already queued for it")
    tag = campaign.market(market).tag if market else None
    moment = now or utcnow()
    connection = session.connection()
    taken = _take(connection, campaign_id, source, box, tag, moment)
    remade = [(row, recompose(_stored(row), box, campaign.sending_for(row.market))) for row in taken]
    if remade:
        connection.execute(
            update(OUTBOX).where(OUTBOX.c.id == bindparam("row_id")).values(
                content=bindparam("new_content"), content_sha256=bindparam("new_sha"),
                smtputf8=bindparam("new_smtputf8")),
            [{"row_id": row.id, "new_content": made.content, "new_sha": made.sha256,
              "new_smtputf8": made.smtputf8} for row, made in remade])
        _audit(connection, campaign_id, taken, source, box, actor, moment)
    session.expire_all()
    return MoveReport(source, box.name, dict(Counter(row.market for row in taken)), box.from_address)


def _take(connection: Connection, campaign_id: int, source: str, box: MailboxSettings, market: str | None,
          now: datetime) -> list[Any]:
    """Hand the waiting rows to the new mailbox and sender, returning what re-composing needs."""
    conditions = [OUTBOX.c.campaign_id == campaign_id, OUTBOX.c.mailbox == source,
                  OUTBOX.c.state == "scheduled"]
    if market is not None:
        conditions.append(OUTBOX.c.market == market)
    statement = (update(OUTBOX).where(*conditions)
                 .values(mailbox=box.name, sender=box.from_address, updated_at=now)
                 .returning(OUTBOX.c.id, OUTBOX.c.market, OUTBOX.c.message_id, OUTBOX.c.recipient,
                            OUTBOX.c.subject, OUTBOX.c.thread_root, OUTBOX.c.content))
    return sorted(connection.execute(statement).all(), key=lambda row: row.id)


def _stored(row: Any) -> Stored:
    return Stored(row.id, row.message_id, row.recipient, row.subject, row.thread_root, row.content)


def _audit(connection: Connection, campaign_id: int, rows: Sequence[Any], source: str, box: MailboxSettings,
           actor: str, now: datetime) -> None:
    """One `outbox.move` entry per message, in bulk (a stranded market may hold thousands)."""
    entries = [(str(row.id), {"from": source, "to": box.name, "message_id": row.message_id,
                              "sender": box.from_address}) for row in rows]
    bulk_insert(connection, AUDIT, ("object_id", "detail"), entries,
                {"at": now, "actor": actor, "action": "outbox.move", "object_type": "outbox",
                 "campaign_id": campaign_id})
