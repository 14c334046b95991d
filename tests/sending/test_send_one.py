"""The transport's one-recipient send says to a real aiosmtpd exactly what aiosmtplib's `sendmail` says."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import pytest
from aiosmtpd.smtp import SMTP
from aiosmtplib.email import quote_address

from outreach.core.transport import _PhasedSMTP, smtp_path
from tests.sending.smtp_server import Recorder

TRICKY = ["ana@diario.mx", "a.b+tag@x-y.example", ".a..b.@c.", "a@b@c", "@diario.mx", "ana@", "ana",
          "Ana <ana@diario.mx>", "ana@diario.mx (Ana)", '"a b"@diario.mx', "a b@diario.mx", "<a@b>",
          "a@b>", "a\r\nRCPT TO:<x@y>@b", " ana@diario.mx ", "josé@diario.mx", "a@[127.0.0.1]",
          "a,b@c", "a;b@c", "a:b@c", "a\\b@c", "", "!#$%&'*/=?^_`{|}~-@x.y"]


def quoted(quote: Any, address: str) -> str:
    """What a quoting function gives, or the error it raises, as text to compare."""
    try:
        return str(quote(address))
    except ValueError as exc:
        return f"ValueError: {exc}"


def test_smtp_path_quotes_every_address_as_aiosmtplib_does() -> None:
    rng = random.Random(7)
    alphabet = "ab.@-+_'!\"<>()[],;:\\ \t\r\né%"
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    for address in TRICKY + fuzz:
        assert quoted(smtp_path, address) == quoted(quote_address, address), address


class Logging(SMTP):
    """aiosmtpd that notes each MAIL, RCPT, DATA and RSET line as the client sent it."""

    lines: list[str]

    async def smtp_MAIL(self, arg: str) -> None:
        self.lines.append(f"MAIL {arg}")
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str) -> None:
        self.lines.append(f"RCPT {arg}")
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self.lines.append("DATA")
        await super().smtp_DATA(arg)

    async def smtp_RSET(self, arg: str) -> None:
        self.lines.append("RSET")
        await super().smtp_RSET(arg)


class Refusing(Recorder):
    """A recorder that can also refuse MAIL for some senders."""

    mail_replies: ClassVar[dict[str, str]] = {"nobody@site.com": "553 5.7.1 sender refused"}

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        if address in self.mail_replies:
            return self.mail_replies[address]
        return await super().handle_MAIL(server, session, envelope, address, mail_options)


@asynccontextmanager
async def logging_server(handler: Recorder, lines: list[str], smtputf8: bool) -> AsyncIterator[int]:
    def make() -> Logging:
        server = Logging(handler, hostname="mx.test", enable_SMTPUTF8=smtputf8, decode_data=False)
        server.lines = lines
        return server

    server = await asyncio.get_running_loop().create_server(make, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()


async def conversation(use_send_one: bool, sender: str, recipient: str, content: bytes, smtputf8: bool,
                       offered: bool) -> tuple[list[str], list[bytes], str]:
    """What the server saw and what the client returned or raised, through one of the two paths."""
    handler = Refusing(rcpt_replies={"gone@diario.mx": "550 5.1.1 no such user",
                                     "grey@diario.mx": "451 4.7.1 greylisted"},
                       data_replies={"spam@diario.mx": "554 5.7.1 looks like spam"})
    lines: list[str] = []
    async with logging_server(handler, lines, offered) as port:
        client = _PhasedSMTP(hostname="127.0.0.1", port=port, start_tls=False, timeout=5)
        await client.connect()
        try:
            if use_send_one:
                result: object = await client.send_one(sender, recipient, content, smtputf8=smtputf8)
            else:
                result = await client.sendmail(sender, [recipient], content,
                                               mail_options=["SMTPUTF8"] if smtputf8 else [])
        except Exception as exc:
            result = (type(exc).__name__, str(exc), [(r.code, r.message, r.recipient)
                                                     for r in getattr(exc, "recipients", [])])
        await client.quit()
    return lines, [content for _, _, content in handler.messages], repr(result)


CASES = [("press@site.com", "ana@diario.mx", False, True), ("press@site.com", "josé@diario.mx", True, True),
         ("press@site.com", "josé@diario.mx", True, False), ("press@site.com", "gone@diario.mx", False, True),
         ("press@site.com", "grey@diario.mx", False, True), ("press@site.com", "spam@diario.mx", False, True),
         ("nobody@site.com", "ana@diario.mx", False, True), ("press@site.com", "Ana <ana@diario.mx>", False, True),
         ("press@site.com", "a b@diario.mx", False, True)]


@pytest.mark.parametrize(("sender", "recipient", "smtputf8", "offered"), CASES)
async def test_send_one_says_and_returns_what_sendmail_does(sender: str, recipient: str, smtputf8: bool,
                                                            offered: bool) -> None:
    content = b"Subject: hola\r\nMessage-ID: <1@site.com>\r\n\r\n.dot first\r\nbare\nline\r\n"
    slow = await conversation(False, sender, recipient, content, smtputf8, offered)
    fast = await conversation(True, sender, recipient, content, smtputf8, offered)
    assert fast == slow
