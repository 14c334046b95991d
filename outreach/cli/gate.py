"""`outreach request new|show`, `check`, `approve`, `override`, `plan`: the rule gate from the shell."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.markup import escape

from outreach.cli.output import err, out, print_json
from outreach.cli.state import State, state
from outreach.core import gate, headroom, monitoring, requests
from outreach.core.approvals import render_for_approval, template_states
from outreach.core.findings import Finding, Verdict, blocking, worst
from outreach.core.models import LinkRequest

request_app = typer.Typer(help="Create and inspect link requests.", no_args_is_help=True)
_STYLE = {Verdict.PASS: "green", Verdict.WARN: "yellow", Verdict.BLOCK: "bold red"}


def _findings_for(shared: State, request: LinkRequest, session: Any) -> list[Finding]:
    """Check one stored request in the given session."""
    return gate.check_one(session, shared.campaign, shared.campaign_id(), request,
                          templates=template_states(session))


def _print_findings(findings: list[Finding], *, everything: bool) -> None:
    """One line per finding (passes only when asked)."""
    for finding in findings:
        if everything or finding.verdict is not Verdict.PASS:
            style = "dim" if finding.override else _STYLE[finding.verdict]
            out.print(f"   [{style}]{finding.verdict.value:5}[/] {finding.rule}: {escape(finding.message)}"
                      + (f" [dim](overridden by {escape(finding.override.actor)}: "
                         f"{escape(finding.override.reason)})[/]" if finding.override else ""))


@request_app.command("new")
def new(
    ctx: typer.Context,
    prospect: Annotated[int, typer.Option("--prospect", help="Prospect id (see `outreach prospects`).")],
    page: Annotated[str, typer.Option("--page", help="Target page URL (a URL version of the site).")],
    anchor: Annotated[str, typer.Option("--anchor", help="Anchor text proposed for the link.")],
    context: Annotated[str | None, typer.Option("--context", help="Text proposed around the anchor.")] = None,
    template: Annotated[str, typer.Option("--template", help="Pitch template to send.")] = "pitch",
) -> None:
    """Create a draft link request and show the rule gate's verdict on it."""
    shared = state(ctx)
    campaign_id = shared.campaign_id()
    with shared.store.transaction() as session:
        row = requests.create(session, shared.campaign, campaign_id, prospect_id=prospect, page_url=page,
                              anchor=anchor, actor=shared.settings.user, context=context, template=template)
        findings = _findings_for(shared, row, session)
    out.print(f"request #{row.id} created (draft): anchor class {row.anchor_class}, "
              f"verdict {worst(findings).value}")
    _print_findings(findings, everything=False)


@request_app.command("show")
def show(ctx: typer.Context, request_id: Annotated[int, typer.Argument(help="Request id.")],
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False) -> None:
    """Show one request and every rule's finding on it."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        row = requests.get(session, shared.campaign_id(), request_id)
        findings = _findings_for(shared, row, session)
    if as_json:
        print_json(_request_json(row, findings))
        return
    out.print(f"#{row.id} {row.market} {row.state}: {escape(row.page_url)} "
              f"\"{escape(row.anchor)}\" ({row.anchor_class})")
    _print_findings(findings, everything=True)


def check(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    everything: Annotated[bool, typer.Option("--all", help="Also list passing findings.")] = False,
) -> None:
    """Check every draft and open request against the rule gate; exit 1 if anything blocks."""
    shared = state(ctx)
    tag = shared.campaign.market(market).tag if market else None
    with shared.store.transaction() as session:
        results = gate.check_pending(session, shared.campaign, shared.campaign_id(),
                                     templates=template_states(session), market=tag)
        rows = {row.id: row for row in requests.pending(session, shared.campaign_id(), tag)}
        spikes = monitoring.foreign_spikes(session, shared.campaign, shared.campaign_id())
    if as_json:
        print_json([_request_json(rows[rid], findings) for rid, findings in results.items()])
    else:
        for request_id, findings in results.items():
            row, verdict = rows[request_id], worst(findings)
            out.print(f"#{request_id} {row.market} {row.state:9} {urlsplit(row.page_url).path} "
                      f"\"{escape(row.anchor)}\" ({row.anchor_class})  [{_STYLE[verdict]}]{verdict.value}[/]")
            _print_findings(findings, everything=everything)
    blocked = sum(any(finding.blocks for finding in findings) for findings in results.values())
    for spike in spikes:
        err.print(f"[yellow]warn[/] {spike.rule}: {escape(spike.message)}")
    err.print(f"{len(results)} request(s) checked: {blocked} blocked")
    if blocked:
        raise typer.Exit(1)


def _request_json(row: LinkRequest, findings: list[Finding]) -> dict[str, Any]:
    """A request and its findings as plain data."""
    return {
        "id": row.id, "market": row.market, "state": row.state, "prospect_id": row.prospect_id,
        "page_url": row.page_url, "anchor": row.anchor, "anchor_class": row.anchor_class,
        "verdict": worst(findings).value,
        "findings": [{"rule": f.rule, "verdict": f.verdict.value, "message": f.message, "numbers": f.numbers,
                      "override": ({"by": f.override.actor, "reason": f.override.reason}
                                   if f.override else None)} for f in findings],
    }


def approve(ctx: typer.Context, request_id: Annotated[int, typer.Argument(help="Request id.")]) -> None:
    """Approve a draft request; refused while a block stands without an override."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        row = requests.get(session, shared.campaign_id(), request_id)
        findings = _findings_for(shared, row, session)
        pitch = render_for_approval(session, shared.campaign, row) if not blocking(findings) else None
        requests.approve(session, row, findings, shared.settings.user, pitch=pitch)
    warnings = [f for f in findings if f.verdict is Verdict.WARN or f.override]
    out.print(f"request #{request_id} approved by {shared.settings.user}"
              + (f" with {len(warnings)} warning(s)" if warnings else ""))
    _print_findings(warnings, everything=True)


def override(
    ctx: typer.Context,
    request_id: Annotated[int, typer.Argument(help="Request id.")],
    rule: Annotated[str, typer.Option("--rule", help="The blocking rule to let through.")],
    reason: Annotated[str, typer.Option("--reason", help="Why; recorded in the audit log.")],
    actor: Annotated[str | None, typer.Option("--as", help="Who decides (default: the user).")] = None,
) -> None:
    """Let one blocking rule through for a request, with a reason, recorded in the audit log."""
    shared = state(ctx)
    who = actor or shared.settings.user
    with shared.store.transaction() as session:
        row = requests.get(session, shared.campaign_id(), request_id)
        requests.override(session, row, rule, reason, who)
    out.print(f"request #{request_id}: {rule} overridden by {who}: {escape(reason)}")


def plan(
    ctx: typer.Context,
    market: Annotated[str, typer.Option("--market", "-m", help="Market tag.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
    today: Annotated[str | None, typer.Option(help="Headroom as of this day (YYYY-MM-DD).")] = None,
) -> None:
    """What a market can still take this week and this month, per URL version, without breaking a rule."""
    shared = state(ctx)
    day = parse_day(today)
    now = datetime.combine(day, time(12), UTC) if day else None
    with shared.store.transaction() as session:
        room = headroom.market_room(session, shared.campaign, shared.campaign_id(), market, now=now)
    if as_json:
        print_json({"market": room.market, "week": room.week, "month": room.month, "limits": room.limits,
                    "pages": [vars(page) for page in room.pages]})
        return
    out.print(f"[bold]{room.market}[/]: up to {room.week} more link(s) this week, {room.month} this month")
    for line in room.limits:
        out.print(f"  {escape(line)}")
    for page in room.pages:
        out.print(f"  • {escape(page.url)} ({page.mix}): {page.links} links, {page.exact} exact, "
                  f"{page.branded_naked} branded/naked, {page.local} local")
        out.print(f"      room: {_room(page.exact_room)} exact, {_room(page.other_anchor_room)} "
                  f"non-branded, {_room(page.global_room)} global, {_room(page.local_room)} local")


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD option value, or None; anything else is a usage error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)", param_hint="--today") from None


def _room(value: int | None) -> str:
    """A room count, with 'any' when the rule sets no limit."""
    return "any" if value is None or value >= 10**9 else str(value)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(request_app, name="request")
    for name, command in (("check", check), ("approve", approve), ("override", override)):
        app.command(name)(command)
