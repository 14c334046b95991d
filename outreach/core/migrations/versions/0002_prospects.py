"""Prospects, their history, do-not-contact entries and hashed suppressions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create prospect, prospect_event, do_not_contact and suppression."""
    op.create_table(
        "prospect",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        sa.Column("market", sa.String(), nullable=False),
        sa.Column("identity", sa.String(), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("outlet", sa.String(), nullable=True),
        sa.Column("contact_name", sa.String(), nullable=True),
        sa.Column("first_name", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("country", sa.String(), nullable=True),
        sa.Column("country_source", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("language_source", sa.String(), nullable=False),
        sa.Column("locality", sa.String(), nullable=False),
        sa.Column("source_type", sa.String(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("origin", sa.String(), nullable=True),
        sa.Column("dedupe_cluster", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("campaign_id", "market", "identity", name="uq_prospect_identity"),
    )
    op.create_index("ix_prospect_domain", "prospect", ["domain"])
    op.create_index("ix_prospect_email", "prospect", ["email"])
    op.create_index("ix_prospect_campaign_market_stage", "prospect", ["campaign_id", "market", "stage"])
    op.create_table(
        "prospect_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prospect_id", sa.Integer(), sa.ForeignKey("prospect.id"), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_prospect_event_prospect_id", "prospect_event", ["prospect_id"])
    op.create_table(
        "do_not_contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "value", name="uq_do_not_contact"),
    )
    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "digest", name="uq_suppression"),
    )


def downgrade() -> None:
    """Drop the prospect tables."""
    for table in ("suppression", "do_not_contact", "prospect_event", "prospect"):
        op.drop_table(table)
