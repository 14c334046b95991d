"""Template reviews: a reviewer's latest decision per market template, tied to its content hash.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create template_review."""
    op.create_table(
        "template_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("market", sa.String(), nullable=False),
        sa.Column("template", sa.String(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("campaign_id", "market", "template", name="uq_template_review"),
    )


def downgrade() -> None:
    """Drop template_review."""
    op.drop_table("template_review")
