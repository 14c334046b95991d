"""`outreach render`: the reviewer's preview of a market's pitch and follow-ups for its prospects."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

from outreach.cli.output import err, out, print_json
from outreach.cli.state import State, state
from outreach.core import previews
from outreach.core.locale_folders import SUBJECT
from outreach.core.models import Prospect
from outreach.core.template_context import sample_prospect
from outreach.core.templates import RenderedMessage, Renderer


def render(
    ctx: typer.Context,
    market: Annotated[str, typer.Option("--market", "-m", help="Market tag, e.g. es-MX.")],
    prospect: Annotated[int | None, typer.Option(
        "--prospect", "-p", help="Prospect id [default: a fictional sample prospect].")] = None,
    template: Annotated[str | None, typer.Option(
        "--template", "-t", help="Message to render: pitch, followup-1, followup-2… [default: pitch; "
        "with --all, every message].")] = None,
    page: Annotated[str | None, typer.Option(
        "--page", help="Target page URL of the market [default: its first page].")] = None,
    anchor: Annotated[str | None, typer.Option(
        "--anchor", help="Anchor text the pitch suggests [default: the campaign's first brand].")] = None,
    render_all: Annotated[bool, typer.Option(
        "--all", help="Every message for every prospect of the market; report every failure.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures and the count.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Print the subject and body of a market's message for a prospect (exit 1 if any render fails)."""
    if render_all and prospect is not None:
        raise typer.BadParameter("give --prospect or --all, not both", param_hint="--all")
    if template == SUBJECT:
        raise typer.BadParameter("the subject is printed with every message; name a message such as "
                                 "pitch", param_hint="--template")
    shared = state(ctx)
    renderer = Renderer(shared.campaign, shared.workspace)
    tag = shared.campaign.market(market).tag
    targets = _prospects(shared, tag, prospect, render_all)
    messages = [template] if template else (previews.message_names(renderer, tag) if render_all
                                            else ["pitch"])
    result = previews.preview(renderer, tag, targets, messages, page=page, anchor=anchor)
    if as_json:
        print_json({"rendered": [_as_json(p, m) for p, m in result.rendered],
                    "failures": [{"prospect": f.prospect.id, "message": f.message, "error": str(f.error)}
                                 for f in result.failures]})
    elif not quiet:
        for target, message in result.rendered:
            _print_message(target, message)
    for failure in result.failures:
        err.print(f"[red]✗[/] {escape(_label(failure.prospect))} · {failure.message}: "
                  f"{escape(str(failure.error))}")
    if render_all or result.failures:
        err.print(f"{len(result.rendered)} rendered, {len(result.failures)} failed")
    if result.failures:
        raise typer.Exit(1)


def _prospects(shared: State, tag: str, prospect_id: int | None, render_all: bool) -> list[Prospect]:
    """The prospects to render for; the sample prospect when none is named or the market has none."""
    if prospect_id is None and not render_all:
        return [sample_prospect(shared.campaign.market(tag))]
    campaign_id = shared.campaign_id()
    with shared.store.transaction() as session:
        if prospect_id is not None:
            return [previews.load_prospect(session, campaign_id, prospect_id)]
        found = previews.market_prospects(session, campaign_id, tag)
    if not found:
        err.print(f"no prospects in {tag} yet: rendering for a fictional sample prospect")
        return [sample_prospect(shared.campaign.market(tag))]
    return found


def _label(prospect: Prospect) -> str:
    """`prospect 12 (El Economista, Ana Pérez)` or `sample prospect`."""
    if prospect.id is None:
        return "sample prospect"
    who = ", ".join(filter(None, [prospect.outlet or prospect.domain, prospect.contact_name]))
    return f"prospect {prospect.id} ({who})"


def _print_message(prospect: Prospect, message: RenderedMessage) -> None:
    """A header line for people, then the exact text (Babel's no-break spaces kept)."""
    source = message.body_source
    out.print(f"[dim]── {message.market} · {message.message} · {escape(_label(prospect))} · "
              f"{source.folder}/{source.name}.j2 {source.short_hash}[/]")
    sys.stdout.write(f"Subject: {message.subject}\n\n{message.body}\n")
    sys.stdout.flush()


def _as_json(prospect: Prospect, message: RenderedMessage) -> dict[str, Any]:
    return {"prospect": prospect.id, "market": message.market, "message": message.message,
            "subject": message.subject, "body": message.body,
            "subject_template": {"folder": message.subject_source.folder,
                                 "hash": message.subject_source.content_hash},
            "body_template": {"folder": message.body_source.folder, "hash": message.body_source.content_hash}}


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("render")(render)
