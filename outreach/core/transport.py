"""How bytes reach a server: a `Mailer` protocol, `SmtpMailer` (aiosmtplib, one reused connection)
and `MemoryMailer` (dry runs and fast tests). Each attempt ends in one `Outcome`."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPStatus,
)
from aiosmtplib.email import quote_address
from aiosmtplib.protocol import normalize_message_line_endings

from outreach.core.send_accounts import MailboxSettings

OutcomeKind = Literal["sent", "deferred", "failed", "bounced", "uncertain"]


@dataclass(frozen=True)
class Outcome:
    """What one attempt did: `sent`, `deferred` (4xx, retry), `failed` (5xx, not the address),
    `bounced` (5xx for the recipient: suppress it) or `uncertain` (maybe sent: ask a person)."""

    kind: OutcomeKind
    reply: str


class Mailer(Protocol):
    """Sends one message's exact bytes to one recipient."""

    async def send(self, sender: str, recipient: str, content: bytes, *, smtputf8: bool) -> Outcome:
        """Try once; never raises for SMTP or network trouble, it reports an Outcome."""
        ...

    async def close(self) -> None:
        """Say QUIT and drop the connection, if any."""
        ...


def by_code(code: int, reply: str, *, recipient: bool) -> Outcome:
    """A server's explicit refusal: 4xx retries; 5xx fails, and bounces when about the recipient."""
    if 400 <= code < 500:
        return Outcome("deferred", reply)
    return Outcome("bounced" if recipient else "failed", reply)


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
"""An ASCII address without quotes, brackets, spaces or comments: the stdlib parser that aiosmtplib
runs on each address returns such an address unchanged."""


def smtp_path(address: str) -> str:
    """`<address>` as aiosmtplib's `quote_address` gives it, without its parser for plain addresses
    (a third of a worker's time per message); anything else goes through `quote_address` itself."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return quote_address(address)


class _PhasedSMTP(aiosmtplib.SMTP):
    """aiosmtplib's client, noting when DATA starts: a failure after that may have delivered."""

    data_started = False

    async def data(self, message: str | bytes, /, **kwargs: Any) -> aiosmtplib.SMTPResponse:
        """Mark the point of no return, then send DATA."""
        self.data_started = True
        return await super().data(message, **kwargs)

    async def send_one(self, sender: str, recipient: str, content: bytes, *, smtputf8: bool,
                       ) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
        """`sendmail` for one recipient, same commands and errors, each address quoted once."""
        encoding = "utf-8" if smtputf8 else "ascii"
        from_path, to_path = smtp_path(sender).encode(encoding), smtp_path(recipient).encode(encoding)
        await self._ehlo_or_helo_if_needed()
        if smtputf8 and not self.supports_extension("smtputf8"):
            raise SMTPNotSupported("SMTPUTF8 is not supported by this server")
        options = [b"SMTPUTF8"] if smtputf8 else []
        if self.supports_extension("size"):
            options.insert(0, b"size=%d" % len(normalize_message_line_endings(content)))
        try:
            response = await self.execute_command(b"MAIL", b"FROM:" + from_path, *options)
            if response.code != SMTPStatus.completed:
                raise SMTPSenderRefused(response.code, response.message, sender)
            response = await self.execute_command(b"RCPT", b"TO:" + to_path)
            if response.code not in (SMTPStatus.completed, SMTPStatus.will_forward):
                refusal = SMTPRecipientRefused(response.code, response.message, recipient)
                raise SMTPRecipientsRefused([refusal])
            response = await self.data(content)
        except (SMTPResponseException, SMTPRecipientsRefused):
            await self._reset()
            raise
        return {}, response.message

    async def _reset(self) -> None:
        """RSET after a refusal, as `sendmail` does, ignoring a server that left or refuses it."""
        with contextlib.suppress(ConnectionError, SMTPResponseException):
            await self.rset()


@dataclass
class SmtpMailer:
    """One mailbox's SMTP connection, opened on first use and reused for every message."""

    mailbox: MailboxSettings
    _client: _PhasedSMTP | None = None

    def _new_client(self) -> _PhasedSMTP:
        box = self.mailbox
        return _PhasedSMTP(hostname=box.host, port=box.smtp_port, username=box.user,
                           password=box.password.get_secret_value() if box.password else None,
                           use_tls=box.security == "tls", start_tls=box.security == "starttls",
                           timeout=box.timeout, validate_certs=box.validate_certs)

    async def _connected(self) -> _PhasedSMTP:
        if self._client is None or not self._client.is_connected:
            self._client = self._new_client()
            await self._client.connect()
        return self._client

    async def send(self, sender: str, recipient: str, content: bytes, *, smtputf8: bool) -> Outcome:
        """Send over the reused connection; an unknown fate after DATA is `uncertain`."""
        try:
            client = await self._connected()
        except (SMTPException, OSError) as exc:
            await self._drop()
            where = f"{self.mailbox.host}:{self.mailbox.smtp_port}"
            return Outcome("deferred", f"cannot connect to {where}: {exc}")
        client.data_started = False
        try:
            refused, reply = await client.send_one(sender, recipient, content, smtputf8=smtputf8)
        except SMTPRecipientsRefused as exc:
            first = exc.recipients[0]
            return by_code(first.code, f"{first.code} {first.message}", recipient=True)
        except SMTPNotSupported as exc:
            return Outcome("failed", f"{exc} (the recipient's address needs SMTPUTF8)")
        except SMTPResponseException as exc:
            return by_code(exc.code, f"{exc.code} {exc.message}", recipient=False)
        except (SMTPException, OSError, TimeoutError) as exc:
            started = client.data_started
            await self._drop()
            if started:
                return Outcome("uncertain", f"no answer after DATA: {type(exc).__name__}: {exc}")
            return Outcome("deferred", f"connection lost before DATA: {type(exc).__name__}: {exc}")
        return accepted_outcome(refused, recipient, reply)

    async def _drop(self) -> None:
        """Forget a broken connection (the next message reconnects)."""
        if self._client is not None:
            self._client.close()
        self._client = None

    async def close(self) -> None:
        """QUIT politely, ignoring a server that already left."""
        if self._client is not None and self._client.is_connected:
            try:
                await self._client.quit()
            except (SMTPException, OSError):
                self._client.close()
        self._client = None


def accepted_outcome(refused: dict[str, Any], recipient: str, reply: str) -> Outcome:
    """aiosmtplib returns normally when only some recipients were refused: read its refusals."""
    for address, response in refused.items():
        if address.lower() == recipient.lower():
            code, message = response.code, response.message
            return by_code(code, f"{code} {message} (refused while others were accepted)", recipient=True)
    return Outcome("sent", reply)


@dataclass
class MemoryMailer:
    """Keeps messages in a list instead of sending them; `script` can answer for some recipients."""

    sent: list[tuple[str, str, bytes]] = field(default_factory=list)
    script: dict[str, Outcome] = field(default_factory=dict)
    closed: bool = False

    async def send(self, sender: str, recipient: str, content: bytes, *, smtputf8: bool) -> Outcome:
        """Record the message, or answer as scripted for this recipient."""
        scripted = self.script.get(recipient)
        if scripted is not None:
            return scripted
        self.sent.append((sender, recipient, content))
        return Outcome("sent", "250 kept in memory")

    async def close(self) -> None:
        """Nothing to close."""
        self.closed = True
