"""Real processes for sending tests: a separate aiosmtpd, and `outreach send` workers."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tomli_w

from outreach import locations
from tests.sending.smtp_server import server_command


@contextmanager
def server_process(log: Path, delay: float = 0.0) -> Iterator[int]:
    """Start the separate-process SMTP server; yields its port."""
    log.touch()
    process = subprocess.Popen(server_command(str(log), delay), stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        process.kill()
        process.wait()


def received(log: Path) -> Counter[str]:
    """How many times the server accepted each Message-ID."""
    return Counter(line for line in log.read_text().splitlines() if line)


def write_mailbox_settings(port: int, **fields: object) -> None:
    """A settings.toml with one uncapped mailbox at the local server."""
    box = {"name": "default", "host": "127.0.0.1", "port": port, "security": "none",
           "from_address": "lucia@site.com", "daily_cap": 100000, "domain_gap_seconds": 0, **fields}
    path = locations.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps({"mailboxes": [box]}), encoding="utf-8")


def worker(workspace: Path, url: str, name: str, *extra: str) -> subprocess.Popen[str]:
    """Start `outreach send` as its own process."""
    command = [sys.executable, "-m", "outreach", "-C", str(workspace), "--db", url, "send",
               "--worker", name, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ})
