"""Stranded-message benchmark: N pitches queued for a mailbox that left settings, found and moved.

The figures cover `outbox_views.stranded` (the query `outreach send`, `outreach outbox` and the
Outbox pane run each time) and `outbox_moves.move_queued` (taking the rows, re-composing every
message's bytes for the new sender and checking the rest is unchanged, the update and one audit
entry per message, committed). Not included: populating and scheduling the messages beforehand.
Run: .venv/bin/python bench/outbox_move_bench.py [--requests N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

from gate_bench import write_campaign
from schedule_bench import MAILBOX, NOW, populate

from outreach.core.outbox_moves import move_queued
from outreach.core.outbox_views import stranded
from outreach.core.schedule import schedule_markets
from outreach.core.store import Store

OLD = MAILBOX.model_copy(update={"name": "old", "from_address": "lucia@old-site.com"})
NEW = MAILBOX.model_copy(update={"name": "new", "from_address": "pablo@site.com", "from_name": "Pablo"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="move-bench-"))
    try:
        campaign = write_campaign(folder)
        pitches_only = campaign.sending.model_copy(update={"followups": ()})
        campaign = campaign.model_copy(update={"sending": pitches_only})
        store = Store.open(f"sqlite:///{folder / 'bench.db'}", "bench")
        campaign_id = populate(store, campaign, args.requests)
        with store.transaction() as session:
            schedule_markets(session, campaign, campaign_id, None, actor="bench", mailboxes=[OLD], now=NOW,
                             rng=random.Random(1))
        print(f"load average before: {os.getloadavg()}")
        for configured in ([OLD], [NEW]):
            wall, cpu = time.perf_counter(), time.process_time()
            with store.transaction() as session:
                found = stranded(session, campaign_id, configured, NOW)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"stranded with {configured[0].name!r} in settings: {sum(item.waiting for item in found)} "
                  f"messages in {len(found)} markets; wall {wall * 1000:.1f} ms, CPU {cpu * 1000:.1f} ms")
        wall, cpu = time.perf_counter(), time.process_time()
        with store.transaction() as session:
            report = move_queued(session, campaign, campaign_id, source="old", target="new", mailboxes=[NEW],
                                 actor="bench", now=NOW)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"moved {report.moved} messages: wall {wall:.2f} s, CPU {cpu:.2f} s, "
              f"{cpu / max(report.moved, 1) * 1e6:.0f} µs CPU per message; load average after: "
              f"{os.getloadavg()}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
