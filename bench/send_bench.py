"""Sending benchmark: 10k queued messages to a local aiosmtpd (its own process), caps lifted, one worker.

Target (issue 7): >= 300 messages/s from one worker. The figure covers `SendLoop.run_once`: claiming
in batches (each claim committed before sending), stamping Date on the stored bytes, SMTP over one
reused connection (MAIL, RCPT, DATA per message), and settling each batch in one transaction
(message state, send log, request and prospect moves, audit). Not included: scheduling the
messages beforehand, and starting the server.
Pitches only by default. With `--followups` the campaign keeps its default two follow-ups (approved
first, as the schedule bench does): each pitch sent then has its first follow-up rendered, composed
and queued by the worker after its batch, and that work counts in the figure (the follow-ups are not
due, so only the pitches are sent).
Both the worker's and the server's CPU per message are printed (the server's from /proc).
Run: .venv/bin/python bench/send_bench.py [--messages N] [--batch N] [--server process|in-process]
     [--followups]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from schedule_bench import NOW, approve_followups, populate, write_campaign
from sqlalchemy import func, select

from outreach.core.mailer import SendLoop
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_markets
from outreach.core.send_accounts import MailboxSettings
from outreach.core.store import Store

SERVER = """
import asyncio
from aiosmtpd.smtp import SMTP

class Count:
    received = 0
    async def handle_DATA(self, server, session, envelope):
        Count.received += 1
        return "250 2.0.0 queued"

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Count(), hostname="bench", decode_data=False),
                                      "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


class Count:
    """An aiosmtpd handler that only counts."""

    received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        Count.received += 1
        return "250 2.0.0 queued"


async def in_process(sender_for: object, port_holder: list[int]) -> object:
    """Serve aiosmtpd in this event loop on a free port, then run the worker in the same loop."""
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Count(), hostname="bench", decode_data=False),
                                      "127.0.0.1", 0)
    port_holder.append(server.sockets[0].getsockname()[1])
    sender = sender_for(port_holder[0])  # type: ignore[operator]
    try:
        return await sender.run_once()
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--server", choices=("process", "in-process"), default="process",
                        help="aiosmtpd in its own process, or in the worker's event loop")
    parser.add_argument("--followups", action="store_true",
                        help="keep the default follow-ups: the worker composes each pitch's first one")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="send-bench-"))
    campaign = write_campaign(folder)
    if not args.followups:
        pitches_only = campaign.sending.model_copy(update={"followups": ()})
        campaign = campaign.model_copy(update={"sending": pitches_only})
    store = Store.open(f"sqlite:///{folder / 'bench.db'}", "bench")
    tags = approve_followups(store, campaign, folder) if args.followups else None
    campaign_id = populate(store, campaign, args.messages, tags)

    def box_at(port: int) -> MailboxSettings:
        return MailboxSettings(name="default", host="127.0.0.1", port=port, security="none",
                               from_address="press@site.com", daily_cap=None, domain_gap_seconds=0)

    with store.transaction() as session:
        schedule_markets(session, campaign, campaign_id, None, actor="bench", mailboxes=[box_at(1)], now=NOW,
                         rng=random.Random(1))

    def sender_for(port: int) -> SendLoop:
        return SendLoop(store.engine, campaign, campaign_id, [box_at(port)], worker="bench", batch=args.batch)

    print(f"load average before: {os.getloadavg()}; server: {args.server}")
    wall, cpu = time.perf_counter(), time.process_time()
    if args.server == "in-process":
        report = asyncio.run(in_process(sender_for, []))
    else:
        server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            sender = sender_for(int(server.stdout.readline()))
            server_cpu = cpu_seconds(server.pid)
            wall, cpu = time.perf_counter(), time.process_time()
            report = asyncio.run(sender.run_once()) if not os.environ.get("PROFILE") else _profiled(sender)
            server_cpu = cpu_seconds(server.pid) - server_cpu
        finally:
            server.kill()
            server.wait()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with store.transaction() as session:
        sent = session.execute(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.state == "sent")).scalar_one()
    print(f"{dict(report.outcomes)}; {sent} rows sent; {report.followups.composed} follow-ups composed; "
          f"batch {args.batch}")
    print(f"wall {wall:.2f} s, CPU {cpu:.2f} s (worker{'' if args.server == 'process' else ' and server'}): "
          f"{report.total / wall:,.0f} messages/s (target >= 300); load average after: {os.getloadavg()}")
    per = 1000 / max(1, report.total)
    if args.server == "process":
        # Client and server take turns on one connection, so on an idle machine a message costs
        # about the sum of both CPU times.
        print(f"CPU per message: worker {cpu * per:.3f} ms, server {server_cpu * per:.3f} ms; "
              f"implied on an idle machine: {1000 / ((cpu + server_cpu) * per):,.0f} messages/s")
    else:
        print(f"CPU per message: worker and server {cpu * per:.3f} ms")
    store.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)  # ~25 MB a run for 10k messages


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds a process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _profiled(sender: SendLoop) -> object:
    """Run under cProfile and print the top functions (PROFILE=1)."""
    import cProfile
    import pstats

    profile = cProfile.Profile(time.process_time)
    report = profile.runcall(asyncio.run, sender.run_once())
    pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(30)
    return report


if __name__ == "__main__":
    main()

