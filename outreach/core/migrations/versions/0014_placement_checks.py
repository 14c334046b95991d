"""Placement cost currency and origin; link checks and the history of link changes.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0014"
down_revision: str | None = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add placement columns; create link_check and link_change."""
    with op.batch_alter_table("placement") as batch:
        batch.add_column(sa.Column("cost_currency", sa.String(), nullable=True))
        batch.add_column(sa.Column("origin", sa.String(), nullable=True))
    op.create_table(
        "link_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("placement_id", sa.Integer(), sa.ForeignKey("placement.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("checked_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.String(), nullable=True),
        sa.Column("redirects", sa.Integer(), nullable=False),
        sa.Column("link_found", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.String(), nullable=True) for name in ("anchor", "rel")),
        sa.Column("noindex", sa.Boolean(), nullable=False),
        *(sa.Column(name, sa.String(), nullable=True) for name in ("canonical", "error")),
    )
    op.create_index("ix_link_check_placement_at", "link_check", ["placement_id", "checked_at"])
    op.create_index("ix_link_check_campaign_id", "link_check", ["campaign_id"])
    op.create_table(
        "link_change",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("placement_id", sa.Integer(), sa.ForeignKey("placement.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("market", sa.String(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        *(sa.Column(name, sa.String(), nullable=True) for name in ("before", "after")),
    )
    op.create_index("ix_link_change_placement_id", "link_change", ["placement_id"])
    op.create_index("ix_link_change_campaign_market_at", "link_change", ["campaign_id", "market", "at"])


def downgrade() -> None:
    """Drop link_change and link_check; remove the placement columns."""
    op.drop_table("link_change")
    op.drop_table("link_check")
    with op.batch_alter_table("placement") as batch:
        batch.drop_column("origin")
        batch.drop_column("cost_currency")
