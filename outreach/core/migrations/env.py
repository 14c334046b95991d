"""Alembic environment: migrations run on the connection outreach hands over, never from a URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from outreach.core import (  # noqa: F401  (register the tables on SQLModel.metadata)
    db,
    mailbox_tables,
    models,
    outbox_tables,
)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=db.on_this_dialect(connection.dialect.name),
)
with context.begin_transaction():
    context.run_migrations()
