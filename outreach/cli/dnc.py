"""`outreach dnc add|remove|list` and `outreach forget`: who must never be contacted, in any campaign."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outreach.cli.output import out, print_json
from outreach.cli.state import state
from outreach.core import dnc as dnc_list
from outreach.core.forget import forget

dnc_app = typer.Typer(help="The do-not-contact list: emails and whole domains, across campaigns.",
                      no_args_is_help=True)

Value = Annotated[str, typer.Argument(help="An email address or a domain (its subdomains included).")]


@dnc_app.command("add")
def add(
    ctx: typer.Context,
    value: Value,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (kept with the entry).")] = "",
) -> None:
    """Put an email or a domain on the list; its prospects in every campaign are marked."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        entry, marked = dnc_list.add_entry(session, value, reason=reason, actor=shared.settings.user)
        text = f"{entry.kind} {entry.value}"
    out.print(f"do-not-contact: {escape(text)} ({marked} prospect(s) marked)")


@dnc_app.command("remove")
def remove(ctx: typer.Context, value: Value) -> None:
    """Take an email or a domain off the list; prospects nothing else blocks are unmarked."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        freed = dnc_list.remove_entry(session, value, actor=shared.settings.user)
    out.print(f"removed {escape(value)} ({freed} prospect(s) unmarked)")


@dnc_app.command("list")
def list_entries(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show every entry with who added it, when and why."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        rows = [entry.model_dump(mode="json") for entry in dnc_list.entries(session)]
    if as_json:
        print_json(rows)
        return
    table = Table("kind", "value", "reason", "added by", "added (UTC)", box=None)
    for row in rows:
        table.add_row(row["kind"], escape(row["value"]), escape(row["reason"]), escape(row["added_by"]),
                      row["added_at"][:16].replace("T", " "))
    out.print(table)


def forget_command(ctx: typer.Context, value: Value) -> None:
    """Erase a person's or a domain's data everywhere; keep only a hash so they are never re-imported."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        report = forget(session, value, actor=shared.settings.user)
    out.print(f"forgot {report.subject.kind}: {report.prospects} prospect(s), {report.do_not_contact} "
              f"do-not-contact entr(ies), {report.redacted} mention(s) redacted; a hashed suppression "
              "keeps it from being imported again")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(dnc_app, name="dnc")
    app.command("forget")(forget_command)
