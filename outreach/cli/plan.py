"""`outreach plan …`: headroom, market priorities, thresholds, competitor mix, ramps, review, export."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.gate import parse_day
from outreach.cli.gate import plan as headroom
from outreach.cli.output import out, print_json
from outreach.cli.state import state
from outreach.core import plan_export
from outreach.core.campaign_edit import edit_campaign, market_table, set_threshold
from outreach.core.plan_competitors import competitor_name, import_all
from outreach.core.plan_gap import add_gap_prospects
from outreach.core.plan_keywords import summarise_keywords
from outreach.core.plan_markets import launch_sequence, local_supply, rank_markets
from outreach.core.plan_mix import advise
from outreach.core.plan_ramp import write_page_mix, write_ramp
from outreach.core.plan_report import gather, proposed_ramp
from outreach.core.plan_review import apply_review, review
from outreach.core.plan_thresholds import suggestions

plan_app = typer.Typer(help="Plan: headroom, market priorities, thresholds, competitor mix, ramps.",
                       invoke_without_command=True, no_args_is_help=False)

Market = Annotated[str, typer.Option("--market", "-m", help="Market tag.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Accept = Annotated[bool, typer.Option("--accept", help="Write the suggestion into campaign.toml.")]
Markets = Annotated[list[str] | None, typer.Option("--market", "-m", help="Market tag (repeatable).")]
AddGap = Annotated[bool, typer.Option("--add-gap", help="Add gap domains as prospects.")]
Apply = Annotated[bool, typer.Option("--apply", help="Write the next period's changes.")]
Today = Annotated[str | None, typer.Option(help="As of this day (YYYY-MM-DD); default today.")]
WrongCountry = Annotated[list[str] | None, typer.Option(
    "--wrong-country", help="A market you see ranking in the wrong country (repeatable).")]


@plan_app.callback()
def plan_root(ctx: typer.Context,
              market: Annotated[str | None, typer.Option("--market", "-m", help="Market tag.")] = None,
              as_json: Json = False, today: Today = None) -> None:
    """Without a sub-command: what a market can still take (headroom) per URL version."""
    if ctx.invoked_subcommand is not None:
        return
    if market is None:
        raise typer.BadParameter("give --market TAG for headroom, or a sub-command (see --help)")
    headroom(ctx, market, as_json, today)


@plan_app.command("markets")
def markets(ctx: typer.Context, as_json: Json = False) -> None:
    """Rank markets by the weighted criteria in campaign.toml [planning] and propose a launch order."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        ranked = rank_markets(shared.campaign, local_supply(session, shared.campaign, shared.campaign_id()))
    if as_json:
        print_json({"sequence": launch_sequence(ranked), "markets": [asdict(item) for item in ranked]})
        return
    out.print(f"[bold]Launch sequence[/]: {escape(launch_sequence(ranked))}")
    for item in ranked:
        missing = f"  [yellow](not entered: {', '.join(item.missing)})[/]" if item.missing else ""
        out.print(f"{item.rank}. [bold]{item.tag}[/] {item.role}: score {item.total:.2f}{missing}")
        for score in item.scores:
            out.print(f"     {score.criterion:<16} {score.score:.2f}  {escape(score.why)}")


@plan_app.command("keywords")
def keywords(ctx: typer.Context, market: Market,
             file: Annotated[Path, typer.Argument(help="Keyword export (Ahrefs, Semrush, Keyword Planner).")],
             accept: Accept = False) -> None:
    """Read a market's search volume and keyword difficulty from a keyword export."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag
    found = summarise_keywords(file)
    difficulty = "–" if found.difficulty is None else f"{found.difficulty:g}"
    out.print(f"{tag}: {found.keywords} keywords, {found.volume:,} searches/month, difficulty {difficulty}")
    if accept:
        def edit(document: object) -> None:
            table = market_table(document, tag, "planning")  # type: ignore[arg-type]
            table["search_volume"] = found.volume
            if found.difficulty is not None:
                table["competitiveness"] = found.difficulty
        edit_campaign(shared.workspace, edit)
        out.print(f"written to {shared.campaign.source}: markets.{tag}.planning")


@plan_app.command("thresholds")
def thresholds(ctx: typer.Context, market: Market,
               metric: Annotated[list[str] | None, typer.Option("--metric", help="Only this metric.")] = None,
               accept: Accept = False, as_json: Json = False) -> None:
    """Suggest quality thresholds from the market's local prospects; --accept writes them."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        found = suggestions(session, shared.campaign, shared.campaign_id(), market, metric or ())
    if as_json:
        print_json([asdict(item) for item in found])
    for item in [] if as_json else found:
        now = "none" if item.current is None else f"{item.current:g}"
        out.print(f"[bold]{item.market} {item.metric}[/]: now {now}; {escape(item.why)}")
        if item.distribution:
            spread = item.distribution
            out.print(f"   min {spread.minimum:g}  p25 {spread.p25:g}  median {spread.median:g}  "
                      f"p75 {spread.p75:g}  p90 {spread.p90:g}  max {spread.maximum:g}  (n={spread.count})")
            peak = max(count for *_, count in spread.bins) or 1
            for low, high, count in spread.bins:
                out.print(f"   {low:>9.0f}–{high:<9.0f} {'█' * round(24 * count / peak)} {count}")
    if accept:
        _accept_thresholds(ctx, [(item.market, item.metric, item.suggested) for item in found])


def _accept_thresholds(ctx: typer.Context, chosen: list[tuple[str, str, float | None]]) -> None:
    """Write each suggested threshold; metrics without a suggestion are left as they are."""
    shared = state(ctx)
    for tag, name, level in chosen:
        if level is None:
            out.print(f"{tag} {name}: no suggestion, left as it is")
            continue
        current = dict(shared.campaign.rules_for(tag).quality.min)
        edit_campaign(shared.workspace, set_threshold(tag, name, level, current))
        out.print(f"written to {shared.campaign.source}: markets.{tag}.rules.quality min.{name} = {level:g}")


@plan_app.command("competitors")
def competitors(ctx: typer.Context, market: Market,
                files: Annotated[list[str], typer.Argument(help="Exports, as FILE or NAME=FILE.")],
                add_gap: AddGap = False,
                at_least: Annotated[int, typer.Option(help="Competitors a gap domain links to.")] = 2,
                accept: Accept = False, as_json: Json = False) -> None:
    """Import competitors' backlink exports; show their mix next to ours per URL version."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag
    with shared.store.transaction() as session:
        cid = shared.campaign_id()
        imported = import_all(session, shared.campaign, cid, tag, [competitor_name(f) for f in files],
                              shared.settings.user)
        advice = advise(session, shared.campaign, cid, tag)
        gap = add_gap_prospects(session, shared.campaign, cid, tag, shared.settings.user, at_least) \
            if add_gap else None
    if as_json:
        print_json({"imports": [asdict(item) for item in imported], "pages": [
            {"page": item.page, "mix": item.mix, "ours": dict(item.ours.localities),
             "competitors_local_share": item.share, "suggested_rule": item.rule, "suggestion": item.words}
            for item in advice], "gap": None if gap is None else asdict(gap)})
    else:
        _print_mix(imported, advice, gap)
    if accept:
        for item in advice:
            if item.rule is not None and item.share is not None:
                share = float(item.ratio or 0)
                edit_campaign(shared.workspace,
                              write_page_mix(tag, shared.campaign.page(item.page), item.rule, share))
                out.print(f"written: {escape(item.page)} mix = {item.rule}, local_share = {share:.2f}")


def _print_mix(imported: list, advice: list, gap: object) -> None:  # type: ignore[type-arg]
    """The import summary, then our mix and the competitors' per URL version."""
    for item in imported:
        where = ", ".join(f"{name} {count}" for name, count in sorted(item.localities.items()))
        bad = f", {len(item.bad_rows)} bad rows" if item.bad_rows else ""
        out.print(f"{escape(item.competitor)}: {item.domains} linking domains from "
                  f"{escape(item.file)} ({where}){bad}")
        for bad in item.bad_rows[:5]:
            out.print(f"   row {bad.row}: {escape(bad.field)}: {escape(bad.reason)}")
    for item in advice:
        ours = "no links yet" if item.ours.local_share is None else f"{item.ours.local_share:.0%} local"
        theirs = "–" if item.share is None else f"{item.share:.0%} local"
        out.print(f"• {escape(item.page)} ({item.mix}): ours {ours}; competitors {theirs} → "
                  f"{item.rule or '–'}: {item.words}")
    if gap is not None:
        out.print(f"gap: {len(gap.found)} domains link to competitors but not to us; "  # type: ignore[attr-defined]
                  f"{gap.new} new prospects, {gap.updated} updated, {gap.suppressed} suppressed")  # type: ignore[attr-defined]


@plan_app.command("ramp")
def ramp(ctx: typer.Context, market: Market, accept: Accept = False, as_json: Json = False) -> None:
    """The market's 90-day ramp per URL version (seed 001, shaped by the competitor mix)."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag
    with shared.store.transaction() as session:
        advice = advise(session, shared.campaign, shared.campaign_id(), tag)
    proposal = proposed_ramp(advice, shared.campaign, tag)
    if as_json:
        print_json({"market": tag, "why": proposal.why,
                    "periods": [period.model_dump(by_alias=True) for period in proposal.periods]})
    else:
        out.print(f"[bold]{tag}[/] ramp: {escape(proposal.why)}")
        for period in proposal.periods:
            anchors = ", ".join(f"{name} {count}" for name, count in period.anchors.items())
            out.print(f"  days {period.until_day - 29:>2}-{period.until_day:<3} {escape(period.page)}: "
                      f"{period.local} local, {period.global_} global ({anchors})")
    if accept:
        edit_campaign(shared.workspace, write_ramp(tag, proposal.periods))
        out.print(f"written to {shared.campaign.source}: markets.{tag}.ramp "
                  f"({len(proposal.periods)} periods); the velocity rule now enforces it")


@plan_app.command("review")
def review_command(ctx: typer.Context, market: Markets = None, wrong_country: WrongCountry = None,
                   apply: Apply = False, today: Today = None) -> None:
    """The monthly review per market: progress against the ramp and what to change next period."""
    shared = state(ctx)
    day = parse_day(today) or date.today()
    flagged = {shared.campaign.market(tag).tag for tag in wrong_country or ()}
    tags = [shared.campaign.market(tag).tag for tag in market] if market else list(shared.campaign.markets)
    with shared.store.transaction() as session:
        cid = shared.campaign_id()
        results = [review(session, shared.campaign, cid, tag, day, tag in flagged) for tag in tags]
    for result in results:
        out.print(f"[bold]{result.market}[/] {result.action}: {escape(result.why)}")
        if apply and result.next_periods:
            periods = apply_review(shared.campaign.market(result.market), result)
            edit_campaign(shared.workspace, write_ramp(result.market, periods))
            out.print(f"   written: next period of {result.market} adjusted in {shared.campaign.source}")


@plan_app.command("export")
def export(ctx: typer.Context, market: Markets = None,
           fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
           output: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
           ) -> None:
    """The plan as Markdown or as one self-contained HTML file for a client."""
    if fmt not in ("md", "html"):
        raise typer.BadParameter(f"--format: '{fmt}' is not md or html")
    shared = state(ctx)
    with shared.store.transaction() as session:
        report = gather(session, shared.campaign, shared.campaign_id(), date.today(), market)
    text = plan_export.to_html(report) if fmt == "html" else plan_export.to_markdown(report)
    if output is None:
        typer.echo(text)
        return
    output.write_text(text, encoding="utf-8")
    out.print(f"wrote {output} ({len(text):,} characters)")


def register(app: typer.Typer) -> None:
    """Add `outreach plan …` to the app."""
    app.add_typer(plan_app, name="plan")
