"""Link requests, placements, rule overrides and the link tallies the rule gate reads.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.models import UtcDateTime

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    """A string column."""
    return sa.Column(name, sa.String(), nullable=nullable)


def upgrade() -> None:
    """Create link_request, placement, rule_override, link_profile and link_daily."""
    op.create_table(
        "link_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        _text("market"),
        sa.Column("prospect_id", sa.Integer(), sa.ForeignKey("prospect.id"), nullable=False),
        _text("page_url"), _text("anchor"), _text("anchor_class"), _text("anchor_keyword", True),
        _text("context", True), _text("context_language", True), _text("template"), _text("state"),
        _text("locality"),
        sa.Column("counted_on", sa.Date(), nullable=True),
        _text("subject", True), _text("body", True), _text("created_by"),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        _text("approved_by", True),
        sa.Column("approved_at", UtcDateTime(), nullable=True),
        sa.Column("pitched_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_link_request_campaign_market_state", "link_request",
                    ["campaign_id", "market", "state"])
    op.create_index("ix_link_request_page_class", "link_request", ["page_url", "anchor_class"])
    op.create_index("ix_link_request_prospect_id", "link_request", ["prospect_id"])
    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        _text("market"), _text("page_url"), _text("source_url"), _text("source_domain"),
        _text("anchor"), _text("anchor_class"), _text("anchor_keyword", True), _text("rel"),
        _text("language", True), _text("country", True), _text("locality"),
        sa.Column("found_on", sa.Date(), nullable=False),
        _text("status"), _text("placed_by", True), _text("reason", True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("link_request.id"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_placement_campaign_market_found", "placement",
                    ["campaign_id", "market", "found_on"])
    op.create_index("ix_placement_page_class", "placement", ["page_url", "anchor_class"])
    op.create_index("ix_placement_request_id", "placement", ["request_id"])
    op.create_index("ix_placement_source_domain", "placement", ["source_domain"])
    op.create_table(
        "rule_override",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("link_request.id"), nullable=False),
        _text("rule"), _text("reason"), _text("actor"),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("request_id", "rule", name="uq_rule_override"),
    )
    op.create_index("ix_rule_override_request_id", "rule_override", ["request_id"])
    op.create_table(
        "link_profile",
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        _text("market"), _text("page_url"), _text("kind"), _text("anchor_class"), _text("keyword"),
        _text("locality"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "market", "page_url", "kind", "anchor_class", "keyword",
                                "locality"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "link_daily",
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id"), nullable=False),
        _text("market"),
        sa.Column("day", sa.Date(), nullable=False),
        _text("kind"),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", "market", "day", "kind"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """Drop the link request tables."""
    for table in ("link_daily", "link_profile", "rule_override", "placement", "link_request"):
        op.drop_table(table)
