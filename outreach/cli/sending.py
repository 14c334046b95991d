"""`outreach schedule` and `outreach send`: queue approved pitches and send them (`outreach outbox` lives
in outreach.cli.outbox). Every rule lives in outreach.core; these commands parse and print."""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer
from rich.markup import escape
from sqlmodel import Session

from outreach.cli.outbox import outbox_app, print_queue, warn_stranded
from outreach.cli.output import err, out, print_json
from outreach.cli.state import State, state
from outreach.core import outbox, outbox_views
from outreach.core.mailer import SendLoop, SendReport, default_worker_name, due_messages
from outreach.core.models import LinkRequest, utcnow
from outreach.core.schedule import schedule_market, schedule_request
from outreach.errors import SendingError

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


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
            planned = (f"; {report.followups} follow-up(s) booked, composed once the message before each "
                       "is sent") if report.followups else ""
            err.print(f"queued {report.requests} request(s), {report.messages} message(s){planned}")
            for line in report.skipped:
                err.print(f"[yellow]not queued:[/] {escape(line)}")
        tag = campaign.market(market).tag if market else None
        rows = outbox_views.queue(session, campaign_id, market=tag)
    if as_json:
        print_json([row.as_json() for row in rows])
    else:
        print_queue(rows)


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
        message = outbox.send_request_now(session, request_id, actor=shared.settings.user,
                                          campaign=shared.campaign,
                                          mailboxes=shared.settings.sending_mailboxes())
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
    mailboxes = shared.settings.sending_mailboxes()
    if not mailboxes and not dry_run:
        raise SendingError("no sending mailbox is configured: set OUTREACH_SMTP_HOST and OUTREACH_FROM, "
                           "or add [[mailboxes]] to settings.toml")
    with shared.store.transaction() as session:  # once per run, polling or not: nothing sends these
        warn_stranded(outbox_views.stranded(session, campaign_id, mailboxes, utcnow()))
        due = due_messages(session, campaign_id, utcnow()) if dry_run else []
    if dry_run:
        for message in due:
            out.print(f"would send #{message.id} {message.market} step {message.step} to "
                      f"{escape(message.recipient)} from {escape(message.mailbox)}: "
                      f"{escape(message.subject)}")
        err.print(f"{len(due)} message(s) due; nothing sent (--dry-run)")
        return
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
    _print_followups(report)


def _print_followups(report: SendReport) -> None:
    """Follow-ups composed after their messages went, sequences that ended, and what waits and why."""
    found = report.followups
    if found.composed:
        out.print(f"follow-ups queued: {found.composed}")
    for reason, count in sorted(found.ended.items()):
        err.print(f"{count} sequence(s) ended: {escape(reason)}")
    for reason, count in sorted(found.waiting.items()):
        err.print(f"[yellow]{count} follow-up(s) wait: {escape(reason)}[/]")


def register(app: typer.Typer) -> None:
    """Add the sending commands to the root app."""
    app.command("schedule")(schedule)
    app.command("send")(send)
    app.add_typer(outbox_app, name="outbox")
