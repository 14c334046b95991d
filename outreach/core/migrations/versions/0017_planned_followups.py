"""Follow-ups composed when the message before them is sent: the outbox keeps their plan meanwhile.

Follow-ups queued the old way, before the message ahead of them went, become that message's plan
(their slots kept); the sender composes each from approved text once the one before has gone.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from outreach.core.followup_plan import PlannedStep, encode
from outreach.core.models import UtcDateTime

revision = "0017"
down_revision: str | None = "0016"
branch_labels = None
depends_on = None

_DUE = "state = 'sent' AND planned_followups IS NOT NULL"
OUTBOX = sa.table("outbox", sa.column("id", sa.Integer()), sa.column("request_id", sa.Integer()),
                  sa.column("step", sa.Integer()), sa.column("state", sa.String()),
                  sa.column("send_at", UtcDateTime()), sa.column("delay_days", sa.Integer()),
                  sa.column("planned_followups", sa.String()))
SEND_LOG = sa.table("send_log", sa.column("outbox_id", sa.Integer()))


def upgrade() -> None:
    """Add outbox.planned_followups and the partial index over the sent messages that hold a plan."""
    op.add_column("outbox", sa.Column("planned_followups", sa.String(), nullable=True))
    op.create_index("ix_outbox_followups_due", "outbox", ["state", "id"], sqlite_where=sa.text(_DUE),
                    postgresql_where=sa.text(_DUE))
    _fold_queued_followups(op.get_bind())


def _fold_queued_followups(connection: sa.Connection) -> None:
    """Each request's follow-ups still waiting for the message before them become that message's plan."""
    waiting = connection.execute(sa.select(OUTBOX.c.id, OUTBOX.c.request_id, OUTBOX.c.step,
                                           OUTBOX.c.send_at, OUTBOX.c.delay_days)
                                 .where(OUTBOX.c.step > 0, OUTBOX.c.state == "scheduled")
                                 .order_by(OUTBOX.c.request_id, OUTBOX.c.step)).all()
    by_request: dict[int, list[Any]] = {}
    for row in waiting:
        by_request.setdefault(row.request_id, []).append(row)
    for request_id, rows in by_request.items():
        _fold(connection, request_id, rows)


def _fold(connection: sa.Connection, request_id: int, rows: Sequence[Any]) -> None:
    """Keep a follow-up whose message before was sent (it is composed as it would be now); fold the
    rest into the plan of the message before them."""
    ahead = connection.execute(sa.select(OUTBOX.c.id, OUTBOX.c.state).where(
        OUTBOX.c.request_id == request_id, OUTBOX.c.step == rows[0].step - 1)).first()
    if ahead is None:
        return
    carrier, folded = (rows[0].id, rows[1:]) if ahead.state == "sent" else (ahead.id, rows)
    if not folded:
        return
    plan = encode([PlannedStep(row.delay_days, row.send_at) for row in folded])
    connection.execute(sa.update(OUTBOX).where(OUTBOX.c.id == carrier).values(planned_followups=plan))
    ids = [row.id for row in folded]
    connection.execute(sa.update(SEND_LOG).where(SEND_LOG.c.outbox_id.in_(ids)).values(outbox_id=None))
    connection.execute(sa.delete(OUTBOX).where(OUTBOX.c.id.in_(ids)))


def downgrade() -> None:
    """Drop the index and the column: follow-ups booked but not composed are forgotten."""
    op.drop_index("ix_outbox_followups_due", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("planned_followups")
