"""`outreach outbox`: the queue, uncertain messages to resolve, paused mailboxes, and messages moved
off a mailbox that left settings. Every rule lives in outreach.core; these commands parse and print."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.output import err, out, print_json
from outreach.cli.state import state
from outreach.core import outbox, outbox_views, send_health
from outreach.core.models import utcnow
from outreach.core.outbox_moves import move_queued

outbox_app = typer.Typer(help="The outbox: the queue, uncertain messages to resolve, paused mailboxes, "
                              "messages to move to another mailbox.", invoke_without_command=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def print_queue(rows: list[outbox_views.QueueRow]) -> None:
    """One line per message, never wrapped: local time in the recipient's zone, then UTC."""
    if not rows:
        out.print("the queue is empty")
        return
    width = max(len(row.recipient) for row in rows)
    for row in rows:
        note = f"  {escape(row.note[:60])}" if row.note else ""
        out.print(f"{row.label:<6} req {row.request_id:<5} {row.market:<6} {row.step:<10} {row.state:<9} "
                  f"{escape(row.recipient):<{width}}  {row.send_at_local:%a %Y-%m-%d %H:%M} "
                  f"{escape(row.timezone)} = {row.send_at_utc:%Y-%m-%d %H:%M} UTC  "
                  f"{escape(row.mailbox)}{note}")


def warn_stranded(lost: list[outbox_views.Stranded]) -> None:
    """One warning line per mailbox and market whose queued messages nothing will send."""
    for item in lost:
        err.print(f"[bold yellow]warning:[/] {escape(item.warning())}")


@outbox_app.callback()
def outbox_root(ctx: typer.Context) -> None:
    """The outbox: `list` (default), `resolve`, `resume`, `move`."""
    if ctx.invoked_subcommand is None:
        list_outbox(ctx)


@outbox_app.command("list")
def list_outbox(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market.")] = None,
    uncertain: Annotated[bool, typer.Option("--uncertain", help="Only messages to resolve.")] = False,
    every: Annotated[bool, typer.Option("--all", help="Sent, failed and stopped ones too.")] = False,
    as_json: AsJson = False,
) -> None:
    """The queue with local and UTC times, uncertain messages, and each mailbox's caps used."""
    shared = state(ctx)
    campaign_id = shared.campaign_id()
    states = ("uncertain",) if uncertain else None if every else ("scheduled", "sending", "uncertain")
    tag = shared.campaign.market(market).tag if market else None
    mailboxes = shared.settings.sending_mailboxes()
    with shared.store.transaction() as session:
        rows = outbox_views.queue(session, campaign_id, market=tag, states=states)
        usage = outbox_views.mailbox_usage(session, mailboxes, utcnow())
        lost = outbox_views.stranded(session, campaign_id, mailboxes, utcnow())
    if as_json:
        print_json({"messages": [row.as_json() for row in rows],
                    "mailboxes": [vars(item) for item in usage], "stranded": [vars(item) for item in lost]})
        return
    warn_stranded(lost)
    print_queue(rows)
    for item in usage:
        cap = "no cap" if item.daily_cap is None else f"{item.sent_24h}/{item.daily_cap} in 24 h"
        pause = f" [red]PAUSED: {escape(item.paused)}[/]" if item.paused else ""
        out.print(f"mailbox {escape(item.name)}: {cap}, {item.waiting} waiting{pause}")


@outbox_app.command("resolve")
def resolve(
    ctx: typer.Context,
    outbox_id: Annotated[int, typer.Argument(help="An uncertain message (see `outreach outbox list`).")],
    delivered: Annotated[bool | None, typer.Option(
        "--delivered/--not-delivered", help="What the Sent folder or the recipient says.")] = None,
    resend: Annotated[bool, typer.Option(
        "--resend", help="With --not-delivered: queue it again now.")] = False,
    note: Annotated[str, typer.Option("--note", help="How you know (kept in the audit log).")] = "",
) -> None:
    """Settle an uncertain message as delivered or not delivered (audited with your name)."""
    if delivered is None:
        raise typer.BadParameter("say --delivered or --not-delivered", param_hint="--delivered")
    shared = state(ctx)
    with shared.store.transaction() as session:
        message = outbox.resolve_uncertain(session, outbox_id, delivered=delivered,
                                           actor=shared.settings.user, note=note, resend=resend)
        text = f"message #{outbox_id} to {message.recipient}: {message.resolution}, now {message.state}"
    out.print(escape(text))


@outbox_app.command("resume")
def resume(ctx: typer.Context,
           mailbox: Annotated[str, typer.Argument(help="A paused mailbox's name.")]) -> None:
    """Let a mailbox paused for bounces send again (audited)."""
    shared = state(ctx)
    with shared.store.transaction() as session:
        send_health.resume_mailbox(session, mailbox, actor=shared.settings.user)
    out.print(f"mailbox {escape(mailbox)} resumed")


@outbox_app.command("move")
def move(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", help="The mailbox the messages wait for (e.g. one removed "
                                                      "from settings).")],
    target: Annotated[str, typer.Option("--to", help="A mailbox in settings that should send them.")],
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market's messages.")] = None,
) -> None:
    """Move queued messages to another mailbox, re-composed for its sender (audited, all or nothing)."""
    shared = state(ctx)
    campaign_id = shared.campaign_id()
    with shared.store.transaction() as session:
        report = move_queued(session, shared.campaign, campaign_id, source=source, target=target,
                             mailboxes=shared.settings.sending_mailboxes(), actor=shared.settings.user,
                             market=market)
    if not report.moved:
        err.print(f"[yellow]nothing to move: no message of campaign {escape(shared.campaign.id)} is queued "
                  f"for mailbox '{escape(source)}'{f' in {escape(market)}' if market else ''}[/]")
        return
    markets = ", ".join(f"{count} {tag}" for tag, count in sorted(report.by_market.items()))
    out.print(f"moved {report.moved} queued message(s) ({markets}) from mailbox '{escape(report.source)}' to "
              f"'{escape(report.target)}'; they now go from {escape(report.sender)} under its caps")
