"""The outbox (messages with their exact bytes), the per-mailbox send log and paused mailboxes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0013"
down_revision: str | None = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create outbox, send_log and mailbox_pause."""
    _outbox()
    op.create_table(
        "send_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mailbox", sa.String(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("recipient_domain", sa.String(), nullable=False),
        sa.Column("reply", sa.String(), nullable=False),
    )
    op.create_index("ix_send_log_mailbox_at", "send_log", ["mailbox", "at"])
    op.create_index("ix_send_log_outbox_id", "send_log", ["outbox_id"])
    op.create_table(
        "mailbox_pause",
        sa.Column("mailbox", sa.String(), primary_key=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("paused_at", UtcDateTime(), nullable=False),
        sa.Column("paused_by", sa.String(), nullable=False),
    )


def _outbox() -> None:
    """Create the outbox table and its indexes."""
    text = ("market", "state", "mailbox", "message_id", "sender", "recipient", "recipient_domain",
            "timezone", "subject", "content_sha256")
    optional = ("thread_root", "claimed_by", "smtp_reply", "stop_reason", "resolution", "resolved_by")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("link_request.id"), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("smtputf8", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.String(), nullable=False) for name in text),
        *(sa.Column(name, sa.String(), nullable=True) for name in optional),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("send_at", UtcDateTime(), nullable=False),
        *(sa.Column(name, UtcDateTime(), nullable=True) for name in ("claimed_at", "sent_at", "resolved_at")),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("request_id", "step", name="uq_outbox_request_step"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
    )
    op.create_index("ix_outbox_state_send_at", "outbox", ["state", "send_at"])
    op.create_index("ix_outbox_prospect_id", "outbox", ["prospect_id"])


def downgrade() -> None:
    """Drop mailbox_pause, send_log and outbox."""
    op.drop_table("mailbox_pause")
    op.drop_table("send_log")
    op.drop_table("outbox")
