"""`outreach db status|upgrade`: the store's schema revision and its migrations."""

from __future__ import annotations

import typer

from outreach.cli.output import out
from outreach.cli.state import state
from outreach.core import db

db_app = typer.Typer(help="Inspect and upgrade the database schema.", no_args_is_help=True)


@db_app.command("status")
def status(ctx: typer.Context) -> None:
    """Show the database, its schema revision and the migrations still to apply."""
    url = state(ctx).settings.database_url_or_default()
    info = db.schema_status(db.make_engine(url))
    out.print(f"database  {info.url}")
    out.print(f"revision  {info.current or '(empty)'}")
    out.print(f"head      {info.head}")
    if info.pending:
        out.print(f"pending   {', '.join(info.pending)}  (run `outreach db upgrade`)")
    else:
        out.print("pending   none: up to date")


@db_app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Apply every pending migration in one transaction."""
    url = state(ctx).settings.database_url_or_default()
    engine = db.make_engine(url)
    before = db.schema_status(engine)
    after = db.upgrade(engine)
    applied = ", ".join(before.pending) or "nothing to apply"
    out.print(f"{after.url}: at {after.head} ({applied})")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(db_app, name="db")
