"""Mailbox figures: parsing and classifying messages, and a sync from a local dovecot into SQLite.

    python bench/mailbox_bench.py [--parse 5000] [--sync 500]

The sync part starts the same throwaway dovecot the tests use (skipped when dovecot is missing).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outreach.core import imap_sync  # noqa: E402
from outreach.core.bounces import parse_bounce  # noqa: E402
from outreach.core.imap_settings import ImapMailbox  # noqa: E402
from outreach.core.mail_parse import read  # noqa: E402
from outreach.core.unsubscribes import unsubscribe_request  # noqa: E402
from tests.mailbox import dovecot  # noqa: E402
from tests.mailbox.mail_world import MESSAGES, MailWorld  # noqa: E402


def load() -> str:
    """The 1-minute load average, to print beside every figure."""
    return f"load {os.getloadavg()[0]:.2f}"


def bench_parse(count: int) -> None:
    """Read, look for a bounce and for an unsubscribe in `count` fixture messages (round robin)."""
    samples = [path.read_bytes() for path in sorted(MESSAGES.glob("*.eml"))]
    started = time.perf_counter()
    for index in range(count):
        message, info = read(samples[index % len(samples)])
        if parse_bounce(message) is None and not info.auto_reason:
            unsubscribe_request(info)
    seconds = time.perf_counter() - started
    print(f"parse+classify: {count} messages ({len(samples)} shapes) in {seconds:.2f} s = "
          f"{count / seconds:,.0f} messages/s ({load()})")


def bench_sync(count: int) -> None:
    """Sync `count` replies to one pitch from dovecot into a fresh SQLite store, then sync again."""
    missing = dovecot.available()
    if missing:
        print(f"sync: skipped ({missing})")
        return
    with dovecot.running() as server, tempfile.TemporaryDirectory() as folder:
        account = server.account()
        mail = MailWorld.make(Path(folder) / "ws", f"sqlite:///{folder}/bench.db")
        mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
        template = mail.raw("reply_gmail_es.eml")
        replies = [template.replace(b"<CAF7xQ2nG-reply-es@mail.gmail.com>", f"<r{n}@mail.gmail.com>".encode())
                   for n in range(count)]
        account.append("INBOX", *replies)
        box = ImapMailbox(name="bench", host="127.0.0.1", port=server.imaps_port, user=account.user,
                          password=account.password, ca_file=server.ca_file, batch=200)
        for label in ("first sync", "second sync"):
            started = time.perf_counter()
            report = imap_sync.sync(mail.world.store, [box])
            seconds = time.perf_counter() - started
            read_count = sum(item.read for item in report.folders)
            rate = f" = {read_count / seconds:,.0f} messages/s" if read_count else ""
            events = sum(report.events.values())
            print(f"{label}: {read_count} read, {events} events in {seconds:.2f} s{rate} ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parse", type=int, default=5000, help="messages to parse and classify")
    parser.add_argument("--sync", type=int, default=500, help="messages to sync from dovecot")
    args = parser.parse_args()
    bench_parse(args.parse)
    bench_sync(args.sync)


if __name__ == "__main__":
    main()
