"""Competitors' linking domains per market, for planning the local/global mix.

Revision ID: 0011
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0011"
down_revision: str | None = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create competitor_source."""
    op.create_table(
        "competitor_source",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        *(sa.Column(name, sa.String(), nullable=False)
          for name in ("market", "competitor", "domain", "locality", "country_source", "language_source")),
        *(sa.Column(name, sa.String(), nullable=True) for name in ("country", "language", "source_type")),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("campaign_id", "market", "competitor", "domain", name="uq_competitor_source"),
    )


def downgrade() -> None:
    """Drop competitor_source."""
    op.drop_table("competitor_source")
