"""The `outreach` command line: thin commands that parse, call the core and print."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperGroup

from outreach import __version__
from outreach.cli import app as app_module
from outreach.cli import (
    audit,
    briefs,
    database,
    dedupe,
    dnc,
    gate,
    mailbox,
    markets,
    placements,
    plan,
    prospects,
    render,
    report,
    review,
    sending,
    workspace,
)
from outreach.cli.output import err
from outreach.cli.state import State
from outreach.errors import OutreachError
from outreach.settings import load_settings


class OutreachGroup(TyperGroup):
    """A command group that turns outreach errors into a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:  # Any: typer vendors its own click Context type
        """Run the command; print OutreachError as `error: …` instead of a traceback."""
        try:
            return super().invoke(ctx)
        except OutreachError as exc:
            for line in str(exc).splitlines() or [type(exc).__name__]:
                err.print(f"[bold red]error:[/] {escape(line)}")
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="outreach",
    cls=OutreachGroup,
    help="Multi-market link-building outreach: markets, prospects, pitches and a rule gate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"outreach {__version__}")
        raise typer.Exit


@app.callback()
def root(
    ctx: typer.Context,
    campaign: Annotated[Path | None, typer.Option(
        "--campaign", "-C", help="Campaign workspace folder [env: OUTREACH_CAMPAIGN; default: .]",
        file_okay=False)] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database URL [env: OUTREACH_DATABASE_URL; default: SQLite in the data dir]",
    )] = None,
    user: Annotated[str | None, typer.Option(
        "--user", help="Name recorded in the audit log [env: OUTREACH_USER; default: $USER]")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Multi-market link-building outreach: markets, prospects, pitches and a rule gate."""
    try:
        settings = load_settings(campaign=campaign, database_url=db, user=user)
    except OutreachError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    ctx.obj = State(settings)


for _module in (workspace, markets, prospects, dedupe, dnc, briefs, render, review, gate, plan, database,
                audit, sending, placements, report, mailbox, app_module):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
