"""`outreach briefs`: each market's brief, its data hooks formatted the market's way, and what to fix."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.output import err, out, parse_day, print_json
from outreach.cli.state import state
from outreach.core import briefs as brief_files
from outreach.core.briefs import Brief
from outreach.core.formatting import formatter


def show(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market tag.")] = None,
    max_age: Annotated[int | None, typer.Option(
        "--max-age", min=1, help="Flag hooks older than this many months [default: the brief's "
        f"max_age_months, else {brief_files.DEFAULT_MAX_AGE_MONTHS}]")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Judge staleness as of this date (YYYY-MM-DD) [default: today]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List each market's brief and flag hooks with no source or older than the age limit (exit 1)."""
    shared = state(ctx)
    campaign, today = shared.campaign, parse_day(on)
    loaded = brief_files.load_briefs(shared.workspace, campaign)
    if market is not None:
        tag = campaign.market(market).tag
        loaded = {tag: loaded[tag]}
    flagged = sum(len(list(brief_files.brief_flags(brief, today, max_age))) if brief else 1
                  for brief in loaded.values())
    if as_json:
        print_json({tag: brief_files.as_json(brief, today, max_age) if brief else None
                    for tag, brief in loaded.items()})
    else:
        for tag, brief in loaded.items():
            _print_brief(tag, brief, today, max_age)
    for stray in brief_files.stray_briefs(shared.workspace, campaign):
        err.print(f"warning: {stray} names no market of this campaign")
    if flagged:
        err.print(f"{flagged} thing(s) to fix in the briefs")
        raise typer.Exit(1)


def _print_brief(tag: str, brief: Brief | None, today: date, max_age: int | None) -> None:
    """One brief: title, what it covers, and each hook with its flags."""
    if brief is None:
        out.print(f"[bold]{tag}[/]  [red]✗ no brief[/] (write briefs/{tag}.md)\n")
        return
    limit = max_age or brief.max_age_months
    out.print(f"[bold]{tag}[/]  {escape(brief.title or brief.path.name)}  [dim]{brief.path}[/]")
    out.print(f"  topics {len(brief.topics)} · angles {len(brief.angles)} · formats {len(brief.formats)}"
              f" · source types {len(brief.source_types)} · hooks {len(brief.hooks)}"
              f" · stale after {limit} months")
    fmt = formatter(tag)
    for hook in brief.hooks.values():
        source = hook.source or "[red]no source[/]"
        value = escape(fmt.hook(hook))
        out.print(f"  • {hook.name:<28} {value:>16}  [dim]{escape(source)} · {hook.as_of}[/]")
        for flag in brief_files.hook_flags(hook, brief, today, max_age):
            colour = "red" if flag.kind == "unsourced" else "yellow"
            out.print(f"      [{colour}]✗ {flag.kind}[/]: {escape(flag.message)}")
    out.print()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("briefs")(show)
