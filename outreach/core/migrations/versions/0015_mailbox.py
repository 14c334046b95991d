"""The mailbox: folder sync state (UIDVALIDITY, last UID) and inbound events (replies, bounces…).

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0015"
down_revision: str | None = "0014"
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    """A string column."""
    return sa.Column(name, sa.String(), nullable=nullable)


def upgrade() -> None:
    """Create mailbox_folder and inbound_event."""
    op.create_table(
        "mailbox_folder",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("mailbox"), _text("folder"),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("messages_seen", sa.Integer(), nullable=False),
        sa.Column("synced_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("mailbox", "folder", name="uq_mailbox_folder"),
    )
    op.create_table(
        "inbound_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("mailbox"), _text("folder"),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        _text("message_key"), _text("kind"), _text("address"),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=True),
        _text("market", True),
        sa.Column("prospect_id", sa.Integer(), sa.ForeignKey("prospect.id"), nullable=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("link_request.id"), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        _text("matched_by", True), _text("subject"),
        sa.Column("received_at", UtcDateTime(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("mailbox", "message_key", "kind", "address", name="uq_inbound_event"),
    )
    op.create_index("ix_inbound_event_campaign_market", "inbound_event", ["campaign_id", "market", "kind"])
    for column in ("prospect_id", "request_id", "outbox_id"):
        op.create_index(f"ix_inbound_event_{column}", "inbound_event", [column])


def downgrade() -> None:
    """Drop inbound_event and mailbox_folder."""
    op.drop_table("inbound_event")
    op.drop_table("mailbox_folder")
