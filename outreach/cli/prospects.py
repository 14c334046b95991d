"""`outreach import` and `outreach prospects`: bring a list into a market, and look at a market's list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from outreach.cli.output import err, out, print_json
from outreach.cli.state import state
from outreach.core.formats import format_names
from outreach.core.prospect_list import ProspectQuery, as_row, list_prospects
from outreach.core.prospects import ImportOptions, ImportReport, import_file

MarketOption = Annotated[str, typer.Option("--market", "-m", help="Market tag, e.g. es-MX.")]


def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV export or prospect list.", exists=True, dir_okay=False)],
    market: MarketOption,
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help=f"Force a format: {', '.join(format_names())}.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Abort, writing nothing, if any row is bad.")] = False,
    check_dns: Annotated[bool, typer.Option(
        "--check-dns", help="Check each email domain accepts mail.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Where bad rows go [default: FILE.rejects.csv beside FILE].",
        dir_okay=False)] = None,
    no_dedupe: Annotated[bool, typer.Option("--no-dedupe", help="Skip refreshing fuzzy clusters.")] = False,
) -> None:
    """Import a prospect list into a market: normalise, infer country and language, merge, dedupe."""
    shared = state(ctx)
    campaign = shared.campaign
    campaign.market(market)
    campaign_id = shared.campaign_id()
    options = ImportOptions(market, format, strict, check_dns, rejects, dedupe=not no_dedupe)
    with shared.store.transaction() as session:
        report = import_file(session, campaign, campaign_id, file, options, shared.settings.user)
    _print_report(report)
    if report.bad_rows:
        raise typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    """A short summary, then bad rows on stderr."""
    out.print(f"{escape(report.file)}: {report.format} ({report.encoding}, {report.delimiter}), "
              f"{report.rows} rows")
    out.print(f"  {report.new} new · {report.updated} updated · {report.unchanged} unchanged · "
              f"{report.merged_rows} merged within the file")
    extras = [(report.do_not_contact, "on the do-not-contact list (marked)"),
              (report.suppressed, "suppressed (forgotten or bounced), skipped"),
              (report.already_linking, "already link to the campaign site, skipped"),
              (report.clusters, "possible-duplicate cluster(s) in the market: see `outreach dedupe`")]
    for count, what in extras:
        if count:
            out.print(f"  {count} {what}")
    if report.collisions:
        shown = ", ".join(report.collisions[:5]) + (" …" if len(report.collisions) > 5 else "")
        out.print(f"  {len(report.collisions)} domain(s) are prospects in other markets too: {escape(shown)}")
    if report.unused_columns:
        names = report.unused_columns
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        out.print(f"  [dim]columns not used: {escape(listed)}[/]")
    for bad in report.bad_rows[:20]:
        err.print(f"[yellow]bad row[/] {escape(str(bad))}")
    if len(report.bad_rows) > 20:
        err.print(f"… and {len(report.bad_rows) - 20} more")
    if report.rejects_path:
        err.print(f"{len(report.bad_rows)} bad row(s) written to {escape(str(report.rejects_path))}")


def prospects(
    ctx: typer.Context,
    market: MarketOption,
    stage: Annotated[list[str] | None, typer.Option(
        "--stage", help="Only these stages (repeatable).")] = None,
    search: Annotated[str | None, typer.Option(
        "--search", "-s", help="Text in domain, outlet, contact or email.")] = None,
    sort: Annotated[str, typer.Option("--sort", help="Column or metric; '-dr' sorts descending.")] = "domain",
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Rows per page.")] = 200,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Rows to skip.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List a market's prospects: site, contact, country/language and how inferred, stage, cluster."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag
    campaign_id = shared.campaign_id()
    query = ProspectQuery(tag, tuple(stage or ()), search, sort=sort, offset=offset, limit=limit)
    with shared.store.transaction() as session:
        page = list_prospects(session, campaign_id, query)
        rows = [as_row(prospect) for prospect in page.prospects]
    if as_json:
        print_json(rows)
        return
    _print_table(rows)
    err.print(f"{len(rows)} of {page.total} prospect(s) in {tag}")


SOURCE_MARKS = {"explicit": "=", "cctld": "tld", "export-language": "exp", "path-hint": "path",
                "detected": "det", "unknown": "?"}
"""Short marks for how a country or language was found, to keep the table narrow."""


def _print_table(rows: list[dict[str, object]]) -> None:
    """The listing as a table; country and language carry how they were found (tld, path, det…)."""
    table = Table("id", "domain", "outlet · contact", "email", "country", "lang", "local", "type",
                  "metrics", "stage", "cluster", box=None)
    table.columns[1].no_wrap = True
    for row in rows:
        metrics = row["metrics"] if isinstance(row["metrics"], dict) else {}
        stage = f"{row['stage']} DNC" if row["do_not_contact"] else str(row["stage"])
        who = " · ".join(str(value) for value in (row["outlet"], row["contact"]) if value)
        table.add_row(*(escape(str(value)) for value in (
            row["id"], row["domain"], who, row["email"] or "",
            f"{row['country'] or '-'} {SOURCE_MARKS[str(row['country_source'])]}",
            f"{row['language'] or '-'} {SOURCE_MARKS[str(row['language_source'])]}", row["locality"],
            row["source_type"] or "", " ".join(f"{k}={v:g}" for k, v in metrics.items()), stage,
            row["dedupe_cluster"] or "")))
    out.print(table)
    err.print("[dim]how found: = explicit · tld ccTLD · exp export language · path URL hint · "
              "det detected · ? unknown[/]")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("import")(import_command)
    app.command("prospects")(prospects)
