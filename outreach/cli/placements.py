"""`outreach placements import|list|won`: the placement log from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outreach.cli.output import out, parse_day, print_json
from outreach.cli.state import state
from outreach.core import placements, requests
from outreach.core.csvread import write_csv
from outreach.core.placement_import import import_placements
from outreach.core.placement_list import LIST_COLUMNS, list_placements

placements_app = typer.Typer(help="The placement log: import backlinks, list, log a won request.",
                             no_args_is_help=True)
Market = Annotated[str | None, typer.Option("--market", "-m", help="Only this market.")]


@placements_app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Backlinks export or BuzzStream link partners.")],
    fmt: Annotated[str | None, typer.Option("--format", help="Force a format by name.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Write nothing if any row is bad.")] = False,
    placed_by: Annotated[str | None, typer.Option("--placed-by", help="Who placed these links.")] = None,
) -> None:
    """Import placements from a backlinks export, matched to the campaign's target pages."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        report = import_placements(session, shared.campaign, shared.campaign_id(), file, shared.settings.user,
                                   fmt=fmt, strict=strict, placed_by=placed_by)
    markets = ", ".join(f"{tag} {count}" for tag, count in sorted(report.markets.items())) or "none"
    out.print(f"{escape(report.file)} ({report.format}): {report.rows} rows, {report.new} new placements "
              f"({markets}; {report.lost} already lost), {report.known} already logged")
    for target, count in report.unmatched.most_common(10):
        out.print(f"  not a target page: {escape(target)} ({count} row(s))")
    for bad in report.bad_rows[:20]:
        out.print(f"  [yellow]row {bad.row}[/]: {escape(bad.field)}: {escape(bad.reason)}")


@placements_app.command("list")
def list_command(
    ctx: typer.Context, market: Market = None,
    page: Annotated[str | None, typer.Option("--page", help="Only this target page URL.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="live or lost.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write every column to this CSV.")] = None,
) -> None:
    """List placements with their latest link check."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag if market else None
    with shared.store.transaction() as session:
        views = list_placements(session, shared.campaign_id(), tag, page, status)
    if csv_out is not None:
        count = write_csv(csv_out, LIST_COLUMNS, (view.values() for view in views))
        out.print(f"wrote {csv_out} ({count} placements)")
        return
    if as_json:
        print_json([dict(zip(LIST_COLUMNS, view.values(), strict=True)) for view in views])
        return
    table = Table("id", "market", "found", "source", "target", "anchor", "class", "rel", "status", "check")
    for view in views:
        row = view.placement
        table.add_row(str(row.id), row.market, row.found_on.isoformat(), escape(row.source_url),
                      escape(row.page_url), escape(row.anchor), row.anchor_class, row.rel, row.status,
                      view.check or "–")
    out.print(table)


@placements_app.command("won")
def won(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help="The request that was won.")],
    source_url: Annotated[str, typer.Option("--source-url", help="The page carrying the link.")],
    on: Annotated[str | None, typer.Option("--on", help="Day the link was found (YYYY-MM-DD).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why this source was chosen.")] = None,
    rel: Annotated[str | None, typer.Option("--rel", help="follow, nofollow, sponsored or ugc.")] = None,
    cost: Annotated[float | None, typer.Option("--cost", help="Amount paid, if any.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="ISO 4217 code of the cost.")] = None,
) -> None:
    """Mark a sent or replied request as won and log its placement."""
    shared = state(ctx)
    day = parse_day(on)
    with shared.store.transaction() as session:
        row = requests.get(session, shared.campaign_id(), request_id)
        placement = requests.mark_won(session, row, source_url=source_url, actor=shared.settings.user,
                                      found_on=day)
        placements.details_of_win(session, placement, shared.settings.user, reason=reason, rel=rel, cost=cost,
                                  currency=currency)
    out.print(f"request #{request_id} won: placement #{placement.id} {escape(placement.source_url)} → "
              f"{escape(placement.page_url)} ({placement.anchor_class}, {placement.rel})")


def register(app: typer.Typer) -> None:
    """Add `outreach placements …` to the app."""
    app.add_typer(placements_app, name="placements")
