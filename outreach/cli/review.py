"""`outreach review`: each template's state and QA findings; approve or reject it as a native speaker."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from outreach.cli.output import err, out, parse_day, print_json
from outreach.cli.state import state
from outreach.core import qa, review
from outreach.core.review import MarketStatus, TemplateStatus
from outreach.core.templates import Renderer

app = typer.Typer(help="Native-speaker review of each market's templates: status, approve, reject.",
                  no_args_is_help=True)

_STATE_COLOURS = {"approved": "green", "needs review": "yellow", "rejected": "red", "missing": "red"}

Tag = Annotated[str, typer.Argument(help="Market tag, e.g. es-MX.")]
Template = Annotated[str, typer.Argument(help="Template name: subject, pitch, followup-1, followup-2…")]
Reviewer = Annotated[str, typer.Option("--as", help="The reviewer's name, recorded with the decision.")]
Hash = Annotated[str | None, typer.Option(
    "--hash", help="Content hash (or its start) you reviewed, as `review status` shows it; refused if "
    "the text changed since.")]


@app.command("status")
def status(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market tag.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Judge hook staleness as of this date (YYYY-MM-DD) [default: today]")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List every market's templates with their state and QA findings (exit 1 if any error)."""
    shared = state(ctx)
    renderer = Renderer(shared.campaign, shared.workspace)
    with shared.store.transaction() as session:
        markets = review.status(session, renderer, [market] if market else None, today=parse_day(on))
    if as_json:
        print_json([_market_json(item) for item in markets])
    else:
        for item in markets:
            _print_market(item)
    if any(item.has_errors for item in markets):
        err.print("QA errors or missing templates: they block approval")
        raise typer.Exit(1)


@app.command("approve")
def approve(ctx: typer.Context, tag: Tag, template: Template, reviewer: Reviewer,
            content_hash: Hash = None,
            comment: Annotated[str, typer.Option("--comment", help="An optional note.")] = "") -> None:
    """Approve a template's current text; refused while QA finds errors."""
    shared = state(ctx)
    renderer = Renderer(shared.campaign, shared.workspace)
    with shared.store.transaction() as session:
        result = review.approve(session, renderer, tag, template, reviewer, expected_hash=content_hash,
                                actor=shared.settings.user, comment=comment)
    _print_decision(result)


@app.command("reject")
def reject(ctx: typer.Context, tag: Tag, template: Template, reviewer: Reviewer,
           comment: Annotated[str, typer.Option("--comment", help="What to change (required).")],
           content_hash: Hash = None) -> None:
    """Reject a template's current text with a comment saying what to change."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        result = review.reject(session, shared.campaign, tag, template, reviewer, comment,
                               expected_hash=content_hash, actor=shared.settings.user)
    _print_decision(result)


def _print_decision(result: review.ApprovalState) -> None:
    assert result.source is not None
    assert result.review is not None
    out.print(f"{result.market} {result.template}: [{_STATE_COLOURS[result.state]}]{result.state}[/] "
              f"by {escape(result.review.reviewer)} ({result.source.folder}/{result.template}.j2 "
              f"{result.source.short_hash})")


def _print_market(item: MarketStatus) -> None:
    """A market's header (address, sign-off, chain), then one line per template and its findings."""
    header = f"[bold]{item.tag}[/]"
    if item.settings:
        forms = "/".join(filter(None, [item.settings.address, item.settings.plural_address]))
        header += f"  {forms} · «{escape(item.settings.sign_off)}» · chain {' → '.join(item.chain)}"
    out.print(header)
    for problem in item.problems:
        out.print(f"  [red]✗[/] {escape(problem)}")
    for template in item.templates:
        _print_template(template)
    out.print()


def _print_template(item: TemplateStatus) -> None:
    approval = item.approval
    colour = _STATE_COLOURS[approval.state]
    digest = approval.source.short_hash if approval.source else "-"
    line = f"  {approval.template:<12} [{colour}]{approval.state:<12}[/] {digest}"
    if approval.review and approval.state in ("approved", "rejected"):
        when = review.decided_at_label(approval.review.decided_at)
        line += f"  by {escape(approval.review.reviewer)}, {when}"
        if approval.state == "rejected":
            line += f": «{escape(approval.review.comment)}»"
    if approval.note:
        line += f"  [dim]{escape(approval.note)}[/]"
    out.print(line)
    for finding in item.findings:
        where = f"{finding.file}:{finding.line}" if finding.line else finding.file or ""
        tone = "red" if finding.severity == "error" else "yellow"
        out.print(f"      [{tone}]{finding.severity}[/] [dim]{escape(where)}[/] "
                  f"{escape(f'[{finding.check}] {finding.message}')}")


def _market_json(item: MarketStatus) -> dict[str, Any]:
    return {
        "market": item.tag, "chain": item.chain, "problems": item.problems,
        "settings": item.settings.model_dump(mode="json", exclude={"tone"}) if item.settings else None,
        "templates": [_template_json(template) for template in item.templates],
    }


def _template_json(item: TemplateStatus) -> dict[str, Any]:
    approval = item.approval
    decision = approval.review
    return {
        "template": approval.template, "state": approval.state, "sendable": approval.sendable,
        "source": approval.source.folder if approval.source else None,
        "origin": approval.source.origin if approval.source else None,
        "content_hash": approval.source.content_hash if approval.source else None,
        "note": approval.note,
        "review": None if decision is None else {
            "decision": decision.decision, "reviewer": decision.reviewer, "comment": decision.comment,
            "decided_at": decision.decided_at.isoformat(), "content_hash": decision.content_hash},
        "findings": [qa.as_json(finding) for finding in item.findings],
    }


def register(root: typer.Typer) -> None:
    """Add the `review` group to the app."""
    root.add_typer(app, name="review")

