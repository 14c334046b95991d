"""`outreach audit`: who changed what, newest first."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from outreach.cli.output import out, print_json
from outreach.cli.state import state
from outreach.core import audit as audit_log


def show(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Entries to show.")] = 50,
    object_type: Annotated[str | None, typer.Option("--type", help="Only this kind of object.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show the audit log of the current campaign, newest first."""
    shared = state(ctx)
    campaign_id = shared.campaign_id()
    with shared.store.transaction() as session:
        rows = audit_log.entries(session, campaign_id=campaign_id, object_type=object_type,
                                 limit=limit)
        data = [row.model_dump(mode="json") for row in rows]
    if as_json:
        print_json(data)
        return
    table = Table("when (UTC)", "who", "action", "object", "detail", box=None)
    for row in data:
        table.add_row(row["at"][:19].replace("T", " "), row["actor"], row["action"],
                      f"{row['object_type']} {row['object_id']}", _detail(row["detail"]))
    out.print(table)


def _detail(detail: dict[str, object]) -> str:
    """A one-line rendering of an entry's detail."""
    return ", ".join(f"{key}={value}" for key, value in detail.items())


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("audit")(show)
