"""`outreach verify`, `outreach gap FILE` and `outreach report`: link checks, competitor gaps, reports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from outreach.cli.output import err, out, print_json
from outreach.cli.state import state
from outreach.core import report_render
from outreach.core.csvread import safe_cell
from outreach.core.gap import import_gap
from outreach.core.linkcheck import verify as verify_links
from outreach.core.linkcheck_fetch import FetchSettings
from outreach.core.reports import Report, gather_report

FORMATS = ("table", "csv", "md", "html", "json")


def verify(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market.")] = None,
    concurrency: Annotated[int, typer.Option(help="Pages fetched at once.", min=1)] = 16,
    per_host: Annotated[int, typer.Option("--per-host", help="Pages fetched at once per site.", min=1)] = 2,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a page.", min=0.1)] = 15.0,
) -> None:
    """Fetch every placement's source page and record whether the link is still there, and how."""
    shared = state(ctx)
    settings = FetchSettings(concurrency=concurrency, per_host=per_host, timeout=timeout)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("checking links", total=None)
        summary = verify_links(shared.store, shared.campaign, shared.campaign_id(), market, settings=settings,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(f"checked {summary.checked} page(s): {summary.status_line()}")
    if summary.paced or summary.refused:
        out.print(escape(summary.pace_line()))
    for change in summary.changes:
        out.print(f"  {change.kind}: placement #{change.placement_id} {escape(change.before or '')} → "
                  f"{escape(change.after or '')}")


def gap(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Ahrefs Link Intersect or Semrush Backlink Gap export.")],
    market: Annotated[str | None, typer.Option("--market", "-m", help="Add every gap domain here.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force a format by name.")] = None,
) -> None:
    """Add sites linking to competitors but not to us as prospects, grouped by market."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        report = import_gap(session, shared.campaign, shared.campaign_id(), file, shared.settings.user,
                            market=market, fmt=fmt)
    competitors = escape(", ".join(report.competitors))
    out.print(f"{escape(report.file)} ({report.format}): competitors {competitors}; "
              f"{report.already_linking} row(s) already link to us")
    for tag, (new, updated) in sorted(report.added.items()):
        out.print(f"  {tag}: {report.domains[tag]} gap domain(s): {new} new prospect(s), {updated} updated")
    if report.unassigned:
        out.print(f"  [yellow]no single market for {len(report.unassigned)} domain(s)[/] "
                  f"({escape(', '.join(report.unassigned[:5]))}…): rerun with --market TAG to add them")
    if report.suppressed or report.do_not_contact:
        out.print(f"  {report.suppressed} suppressed, {report.do_not_contact} on the do-not-contact list")
    for bad in report.bad_rows[:20]:
        out.print(f"  [yellow]row {bad.row}[/]: {escape(bad.field)}: {escape(bad.reason)}")


def _csv_text(report: Report) -> str:
    """The report's CSV as text, every cell formula-proof."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["market", "section", *report_render.CSV_COLUMNS])
    writer.writerows([safe_cell(cell) for cell in row] for row in report_render.csv_rows(report))
    return buffer.getvalue()


def _print_tables(report: Report) -> None:
    """Each market's tables in the terminal."""
    for market in report.markets:
        out.rule(f"[bold]{market.tag}[/]")
        for title, key, rows in report_render.market_tables(market):
            table = Table(*report_render.HEADERS[key], title=escape(title), title_justify="left")
            for row in rows:
                table.add_row(*(escape(str(cell)) for cell in row))
            out.print(table if rows else f"{escape(title)}: none yet")


def _render(found: Report, fmt: str) -> str:
    """The report as text in one of the file formats."""
    if fmt == "csv":
        return _csv_text(found)
    if fmt == "md":
        return report_render.to_markdown(found)
    if fmt == "html":
        return report_render.to_html(found)
    return json.dumps(report_render.to_json(found), indent=2, ensure_ascii=False) + "\n"


def report(
    ctx: typer.Context,
    market: Annotated[list[str] | None, typer.Option("--market", "-m", help="Market (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, md, html or json.")] = "table",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Placements, anchors and local share against the plan, velocity, funnel and changes, per market."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(FORMATS)}", param_hint="--format")
    shared = state(ctx)
    with shared.store.transaction() as session:
        found = gather_report(session, shared.campaign, shared.campaign_id(), date.today(), market)
    if fmt == "table":
        _print_tables(found)
        return
    if fmt == "json" and output is None:
        print_json(report_render.to_json(found))
        return
    text = _render(found, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    out.print(f"wrote {output} ({len(text):,} characters)")


def register(app: typer.Typer) -> None:
    """Add `verify`, `gap` and `report` to the app."""
    for name, command in (("verify", verify), ("gap", gap), ("report", report)):
        app.command(name)(command)
