"""Identities merged into another prospect, so re-imports update the survivor.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0005"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create prospect_alias."""
    op.create_table(
        "prospect_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prospect_id", sa.Integer(), sa.ForeignKey("prospect.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("market", sa.String(), nullable=False),
        sa.Column("identity", sa.String(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("campaign_id", "market", "identity", name="uq_prospect_alias"),
    )
    op.create_index("ix_prospect_alias_prospect_id", "prospect_alias", ["prospect_id"])


def downgrade() -> None:
    """Drop prospect_alias."""
    op.drop_table("prospect_alias")
