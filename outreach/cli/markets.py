"""`outreach markets`: each market, its pages, and the hreflang and architecture problems found."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.output import err, out, print_json
from outreach.cli.state import state
from outreach.core import hreflang
from outreach.core.campaign import Campaign
from outreach.core.markets import MarketSummary, as_json, summarise


def markets(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market tag.")] = None,
    show_hreflang: Annotated[bool, typer.Option(
        "--hreflang", help="Print the <link rel=alternate> tags each page should carry.")] = False,
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show each market: names, time zone, hours, pages and problems (exit 1 if any)."""
    campaign = state(ctx).campaign
    summaries = summarise(campaign)
    if market is not None:
        tag = campaign.market(market).tag
        summaries = [summary for summary in summaries if summary.tag == tag]
    if as_json_flag:
        print_json(as_json(campaign, summaries))
    elif show_hreflang:
        _print_hreflang(campaign, {summary.tag for summary in summaries})
    else:
        for summary in summaries:
            _print_market(summary)
    problems = sum(len(summary.problems) for summary in summaries)
    if problems:
        err.print(f"{problems} hreflang/architecture problem(s) found")
        raise typer.Exit(1)


def _print_market(summary: MarketSummary) -> None:
    """One market as a short block of text that fits 80 columns."""
    out.print(f"[bold]{summary.tag}[/]  {summary.language_name} ({summary.native_language_name})"
              f" · {summary.country_name} ({summary.native_country_name}) · priority "
              f"{summary.priority}")
    out.print(f"  {summary.timezone} · {summary.days_label} {', '.join(summary.business_hours)}"
              f" · holidays {summary.holidays}")
    out.print(f"  version {summary.version}")
    for page in summary.pages:
        label = f"{page.name} · " if page.name else ""
        cluster = page.cluster or "no cluster"
        out.print(f"  • {escape(page.url)}  [dim]{escape(label)}{page.hreflang} · {cluster} · "
                  f"{page.mix}[/]")
        for language, words in page.keywords.items():
            out.print(f"      [dim]keywords ({language}): {escape(', '.join(words))}[/]")
    for problem in summary.problems:
        out.print(f"  [red]✗ {problem['kind']}[/]: {escape(problem['message'])}")
    if not summary.problems:
        out.print("  [green]✓ no problems[/]")
    out.print()


def _print_hreflang(campaign: Campaign, tags: set[str]) -> None:
    """The head tags of every page, grouped by page."""
    for page in campaign.pages:
        if page.market not in tags:
            continue
        cluster = f"cluster {page.cluster}" if page.cluster else "no cluster: self-reference only"
        out.print(f"<!-- {page.url} ({page.hreflang}, {cluster}) -->", markup=False)
        for tag in hreflang.link_tags(campaign, page):
            out.print(tag, markup=False)
        out.print()


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("markets")(markets)
