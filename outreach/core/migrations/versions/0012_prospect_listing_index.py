"""An index for the app's prospect table: a market's prospects in domain order, paged by keyset.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision: str | None = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ix_prospect_listing."""
    op.create_index("ix_prospect_listing", "prospect", ["campaign_id", "market", "domain", "id"])


def downgrade() -> None:
    """Drop ix_prospect_listing."""
    op.drop_index("ix_prospect_listing", table_name="prospect")
