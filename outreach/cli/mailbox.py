"""`outreach mailbox sync|events`: read replies, bounces and unsubscribes back from IMAP, and list them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from outreach.cli.output import err, out, parse_day, print_json
from outreach.cli.state import state
from outreach.core import imap_sync, mailbox_events
from outreach.core.mailbox_tables import EVENT_KINDS
from outreach.errors import MailboxError

mailbox_app = typer.Typer(help="The mailbox: replies, auto-replies, bounces and unsubscribes read over IMAP.",
                          no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@mailbox_app.command("sync")
def sync(
    ctx: typer.Context,
    mailbox: Annotated[list[str] | None, typer.Option(
        "--mailbox", help="Only this mailbox (its name in settings; repeatable).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="DATE", help="A folder's first read skips mail received before this date "
        "(YYYY-MM-DD; overrides the mailbox's `since`); folders read before go on from their last message."
    )] = None,
    as_json: Json = False,
) -> None:
    """Read the new messages of every configured mailbox and apply them (twice changes nothing)."""
    shared = state(ctx)
    since_day = parse_day(since, "--since") if since is not None else None
    boxes = shared.settings.imap_accounts()
    if mailbox:
        unknown = sorted(set(mailbox) - {box.name for box in boxes})
        if unknown:
            raise MailboxError(f"no mailbox named {', '.join(unknown)} in settings "
                               f"(mailboxes: {', '.join(box.name for box in boxes) or 'none'})")
        boxes = tuple(box for box in boxes if box.name in mailbox)
    report = imap_sync.sync(shared.store, boxes, campaign_id=shared.campaign_id(), since=since_day)
    if as_json:
        print_json({"folders": [{"mailbox": f.mailbox, "folder": f.folder, "uidvalidity": f.uidvalidity,
                                 "read": f.read, "rescanned": f.rescanned, "since": f.since,
                                 "events": dict(f.events)}
                                for f in report.folders],
                    "resolved": report.resolved, "failures": report.failures})
    else:
        for folder in report.folders:
            counts = mailbox_events.counted(folder.events)
            again = " (UIDVALIDITY changed: read again)" if folder.rescanned else ""
            again += f" (mail since {folder.since})" if folder.since else ""
            out.print(f"{escape(folder.mailbox)}/{escape(folder.folder)}: {folder.read} message(s) read, "
                      f"{counts}{again}")
        for message_id in report.resolved:
            out.print(f"uncertain {escape(message_id)}: found in Sent, now sent")
    for failure in report.failures:
        err.print(f"[bold red]error:[/] {escape(failure)}")
    if report.failures:
        raise typer.Exit(1)


@mailbox_app.command("events")
def events(
    ctx: typer.Context,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market.")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", "-k", help=f"Only these kinds ({', '.join(EVENT_KINDS)}; repeatable).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    as_json: Json = False,
) -> None:
    """What came back: replies, auto-replies, bounces, unsubscribes and unreadable messages, newest first."""
    shared = state(ctx)
    wrong = sorted(set(kind or ()) - set(EVENT_KINDS))
    if wrong:
        raise typer.BadParameter(f"unknown kind {', '.join(wrong)} (kinds: {', '.join(EVENT_KINDS)})",
                                 param_hint="--kind")
    with shared.store.transaction() as session:
        found = mailbox_events.recent(session, shared.campaign_id(), market=market,
                                      kinds=tuple(kind or EVENT_KINDS), limit=limit)
        rows = [(event.model_dump(mode="json"), mailbox_events.describe(event)) for event in found]
    if as_json:
        print_json([row for row, _ in rows])
        return
    # One line per event (not a table): addresses and diagnostics stay whole in narrow terminals.
    for row, what in rows:
        when = (row["received_at"] or row["recorded_at"])[:16].replace("T", " ")
        request = f"#{row['request_id']}" if row["request_id"] else "-"
        address = escape(row["address"]) or "-"
        out.print(f"{when}  {row['market'] or '-':6} {row['kind']:11} {address}  {request}  {escape(what)}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(mailbox_app, name="mailbox")
