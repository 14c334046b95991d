"""`outreach schedule`, `outreach send` and `outreach outbox`: queue approved pitches, send them, and
settle what is uncertain. Every rule lives in outreach.core; these commands parse and print."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
from rich.markup import escape
from sqlmodel import Session

from outreach.cli.output import err, out, print_json
from outreach.cli.state import State, state
from outreach.core import outbox, outbox_views, send_health
from outreach.core.mailer import SendLoop, SendReport, default_worker_name, due_messages
from outreach.core.models import LinkRequest, utcnow
from outreach.core.schedule import schedule_market, schedule_request
from outreach.errors import SendingError

outbox_app = typer.Typer(help="The outbox: the queue, uncertain messages to resolve, paused mailboxes.",
                         invoke_without_command=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _print_queue(rows: list[outbox_views.QueueRow]) -> None:
    """One line per message, never wrapped: local time in the recipient's zone, then UTC."""
    if not rows:
        out.print("the queue is empty")
        return
    width = max(len(row.recipient) for row in rows)
    for row in rows:
        note = f"  {escape(row.note[:60])}" if row.note else ""
        out.print(f"#{row.id:<5} req {row.request_id:<5} {row.market:<6} {row.step:<10} {row.state:<9} "
                  f"{escape(row.recipient):<{width}}  {row.send_at_local:%a %Y-%m-%d %H:%M} "
                  f"{escape(row.timezone)} = {row.send_at_utc:%Y-%m-%d %H:%M} UTC  "
                  f"{escape(row.mailbox)}{note}")


def schedule(
    ctx: typer.Context,
    request_id: Annotated[int | None, typer.Argument(help="A link request to queue (or send now).")] = None,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Queue a market's approved requests.")]
    = None,
    now: Annotated[bool, typer.Option("--now", help="Send the request's next message as soon as possible, "
                                                    "outside its window (audited).")] = False,
    as_json: AsJson = False,
) -> None:
    """Queue approved requests in their recipients' windows and show the queue (local and UTC times)."""
    shared = state(ctx)
    if request_id is None and market is None and now:
        raise typer.BadParameter("--now needs a request ID", param_hint="--now")
    campaign, campaign_id = shared.campaign, shared.campaign_id()
    with shared.store.transaction() as session:
        if request_id is not None:
            _schedule_one(shared, session, request_id, now)
        elif market is not None:
            report = schedule_market(session, campaign, campaign_id, market, actor=shared.settings.user,
                                     mailboxes=shared.settings.sending_mailboxes())
            err.print(f"queued {report.requests} request(s), {report.messages} message(s)")
            for line in report.skipped:
                err.print(f"[yellow]not queued:[/] {escape(line)}")
        tag = campaign.market(market).tag if market else None
        rows = outbox_views.queue(session, campaign_id, market=tag)
    if as_json:
        print_json([row.as_json() for row in rows])
    else:
        _print_queue(rows)


def _schedule_one(shared: State, session: Session, request_id: int, now: bool) -> None:
    """Queue one request if it is only approved; with --now, its next message goes at once."""
    request = session.get(LinkRequest, request_id)
    if request is None:
        raise SendingError(f"no link request #{request_id}")
    if request.state == "approved":
        schedule_request(session, shared.campaign, request_id, actor=shared.settings.user,
                         mailboxes=shared.settings.sending_mailboxes())
        err.print(f"request #{request_id} queued")
    if now:
        message = outbox.send_request_now(session, request_id, actor=shared.settings.user)
        err.print(f"message #{message.id} ({message.recipient}) goes with the next `outreach send`")


def send(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what is due; send and change nothing.")]
    = False,
    once: Annotated[bool, typer.Option("--once", help="Send what is due, then exit (else keep polling).")]
    = False,
    worker: Annotated[str | None, typer.Option("--worker", help="This worker's name [default: host name]; "
                                                               "a restart with the same name recovers "
                                                               "its crash leftovers.")] = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=1000, help="Messages per transaction.")] = 50,
    poll: Annotated[float, typer.Option("--poll", min=0.1, help="Seconds between polls.")] = 30.0,
) -> None:
    """Claim due messages and send them through the configured mailboxes."""
    shared = state(ctx)
    campaign, campaign_id = shared.campaign, shared.campaign_id()
    if dry_run:
        with shared.store.transaction() as session:
            due = due_messages(session, campaign_id, utcnow())
        for message in due:
            out.print(f"would send #{message.id} {message.market} step {message.step} to "
                      f"{escape(message.recipient)} from {escape(message.mailbox)}: "
                      f"{escape(message.subject)}")
        err.print(f"{len(due)} message(s) due; nothing sent (--dry-run)")
        return
    mailboxes = shared.settings.sending_mailboxes()
    if not mailboxes:
        raise SendingError("no sending mailbox is configured: set OUTREACH_SMTP_HOST and OUTREACH_FROM, "
                           "or add [[mailboxes]] to settings.toml")
    loop = SendLoop(shared.store.engine, campaign, campaign_id, mailboxes,
                    worker=worker or default_worker_name(), batch=batch,
                    progress=None if once else _print_progress)
    report = asyncio.run(loop.run_once() if once else _forever(loop, poll))
    _print_report(report)


async def _forever(loop: SendLoop, poll: float) -> SendReport:
    """Poll until SIGINT or SIGTERM, finishing the batch in hand."""
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        running.add_signal_handler(signum, stop.set)
    return await loop.run_forever(stop, poll)


def _print_progress(report: SendReport) -> None:
    err.print("  " + ", ".join(f"{kind} {count}" for kind, count in sorted(report.outcomes.items())))


def _print_report(report: SendReport) -> None:
    summary = ", ".join(f"{kind} {count}" for kind, count in sorted(report.outcomes.items())) or "nothing due"
    out.print(f"sent run: {summary}")
    if report.recovered:
        err.print(f"[yellow]{report.recovered} message(s) left `sending` by a crash are now uncertain: "
                  "see `outreach outbox list --uncertain`[/]")
    for name in report.paused:
        err.print(f"[red]mailbox {escape(name)} paused: bounce rate over its threshold[/]")


@outbox_app.callback()
def outbox_root(ctx: typer.Context) -> None:
    """The outbox: `list` (default), `resolve`, `resume`."""
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
    with shared.store.transaction() as session:
        rows = outbox_views.queue(session, campaign_id, market=tag, states=states)
        usage = outbox_views.mailbox_usage(session, shared.settings.sending_mailboxes(), utcnow())
    if as_json:
        print_json({"messages": [row.as_json() for row in rows],
                    "mailboxes": [vars(item) for item in usage]})
        return
    _print_queue(rows)
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
                                           actor=shared.settings.user, note=note, resend=resend,
                                           campaign=shared.campaign)
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


def register(app: typer.Typer) -> None:
    """Add the sending commands to the root app."""
    app.command("schedule")(schedule)
    app.command("send")(send)
    app.add_typer(outbox_app, name="outbox")
