"""The prospect filter's search text: a stored, case-folded column, and on SQLite in the listing index.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from outreach.core.search_text import search_text

revision = "0016"
down_revision: str | None = "0015"
branch_labels = None
depends_on = None

_BATCH = 5_000
PROSPECT = sa.table("prospect", sa.column("id", sa.Integer()), sa.column("domain", sa.String()),
                    sa.column("outlet", sa.String()), sa.column("contact_name", sa.String()),
                    sa.column("email", sa.String()), sa.column("search_text", sa.String()))


def upgrade() -> None:
    """Add prospect.search_text, fill it in, and on SQLite widen the listing index with it."""
    op.add_column("prospect", sa.Column("search_text", sa.String(), nullable=False, server_default=""))
    _backfill(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_prospect_listing", table_name="prospect")
        op.create_index("ix_prospect_listing_search", "prospect",
                        ["campaign_id", "market", "domain", "id", "search_text"])


def _backfill(connection: sa.Connection) -> None:
    """Every existing prospect's search text, a batch of rows at a time (keyset on id)."""
    after = 0
    update = (sa.update(PROSPECT).where(PROSPECT.c.id == sa.bindparam("_id"))
              .values(search_text=sa.bindparam("_text")))
    fields = sa.select(PROSPECT.c.id, PROSPECT.c.domain, PROSPECT.c.outlet, PROSPECT.c.contact_name,
                       PROSPECT.c.email).order_by(PROSPECT.c.id).limit(_BATCH)
    while True:
        rows = connection.execute(fields.where(PROSPECT.c.id > after)).all()
        if not rows:
            return
        connection.execute(update, [{"_id": row.id, "_text": search_text(*row[1:])} for row in rows])
        after = rows[-1].id


def downgrade() -> None:
    """Restore the narrow listing index on SQLite and drop prospect.search_text."""
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_prospect_listing_search", table_name="prospect")
        op.create_index("ix_prospect_listing", "prospect", ["campaign_id", "market", "domain", "id"])
    with op.batch_alter_table("prospect") as batch:
        batch.drop_column("search_text")
