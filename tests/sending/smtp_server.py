"""A real aiosmtpd server for tests, started in the caller's event loop on a free port, with knobs
for refusals (4xx/5xx per recipient or at DATA), dropped connections and a silent DATA."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts and misbehaves on request."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    """Reply to RCPT for these addresses (e.g. `550 5.1.1 no such user`)."""
    data_replies: dict[str, str] = field(default_factory=dict)
    """Reply to the end of DATA for messages to these addresses (nothing is kept)."""
    drop_at_mail: set[int] = field(default_factory=set)
    """Abort the connection at the MAIL command of these transaction numbers (0-based)."""
    silent_data_for: set[str] = field(default_factory=set)
    """Keep these recipients' messages but never answer the end of DATA."""
    mail_options: list[list[str]] = field(default_factory=list)
    transactions: int = 0

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        number = self.transactions
        self.transactions += 1
        if number in self.drop_at_mail:
            server.transport.abort()
            return "421 gone"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        self.mail_options.append(list(mail_options))
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipient = envelope.rcpt_tos[0]
        if recipient in self.data_replies:
            return self.data_replies[recipient]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if recipient in self.silent_data_for:
            await asyncio.sleep(3600)
        return "250 2.0.0 queued"

    def received_by(self, recipient: str) -> list[bytes]:
        """Messages accepted for one recipient."""
        return [content for _, rcpts, content in self.messages if recipient in rcpts]


@asynccontextmanager
async def smtp_server(handler: Recorder, *, smtputf8: bool = True) -> AsyncIterator[int]:
    """Serve `handler` on 127.0.0.1 in this event loop; yields the port (the threaded Controller
    cannot bind port 0, so the server is created here)."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="mx.test", enable_SMTPUTF8=smtputf8, decode_data=False,
                     data_size_limit=None),
        "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


SERVER_SCRIPT = """
import asyncio, sys, os
from aiosmtpd.smtp import SMTP

DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0

class Keep:
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(DELAY)
        line = envelope.original_content.split(b"Message-ID: ", 1)[1].split(b"\\r\\n", 1)[0]
        with open(sys.argv[1], "ab") as log:
            log.write(line + b"\\n")
            log.flush()
            os.fsync(log.fileno())
        return "250 2.0.0 queued"

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Keep(), hostname="mx.test", decode_data=False),
                                      "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""
"""A separate-process aiosmtpd that appends each accepted Message-ID to a file (argv[1]), waits
argv[2] seconds before each answer, and prints its port."""


def server_command(log_path: str, delay: float = 0.0) -> list[str]:
    """The command line that starts the separate-process server."""
    return [sys.executable, "-c", SERVER_SCRIPT, log_path, str(delay)]
