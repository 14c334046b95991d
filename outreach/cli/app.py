"""`outreach app`: the terminal app in a terminal; elsewhere (scripts, CI) the market summary and a hint."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from outreach import locations
from outreach.cli.output import err, out
from outreach.cli.state import state
from outreach.core.campaign import Campaign
from outreach.core.markets import summarise

HINT = "not a terminal, so the app did not open: run `outreach app` (or `make demo`) in a terminal"


def app_command(
    ctx: typer.Context,
    pane: Annotated[str | None, typer.Option(
        "--pane", help="Pane to open on: markets, prospects, dedupe, import, requests, outbox, planning.",
    )] = None,
) -> None:
    """Open the terminal app on the campaign (prints the markets instead when not in a terminal)."""
    shared = state(ctx)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print_summary(shared.campaign)
        err.print(HINT)
        return
    from outreach.tui.app import make_app  # the app's imports are only paid for when it opens

    log_to_file()
    make_app(shared.settings, first_pane=pane).run()


def print_summary(campaign: Campaign) -> None:
    """One line per market: names, time zone, pages and problems."""
    for summary in summarise(campaign):
        problems = f"{len(summary.problems)} problem(s)" if summary.problems else "no problems"
        out.print(f"{summary.tag}  {summary.language_name} · {summary.country_name} · {summary.timezone} · "
                  f"{len(summary.pages)} page(s) · {problems}")


def log_to_file() -> None:
    """Unexpected errors go to app.log in the data folder (the screen only shows a notification)."""
    folder = locations.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=folder / "app.log", level=logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")


def register(app: typer.Typer) -> None:
    """Add this module's command to the app."""
    app.command("app")(app_command)
