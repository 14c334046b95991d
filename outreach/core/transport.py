"""How bytes reach a server: a `Mailer` protocol, `SmtpMailer` (aiosmtplib, one reused connection)
and `MemoryMailer` (dry runs and fast tests). Each attempt ends in one `Outcome`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import aiosmtplib
from aiosmtplib import (
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientsRefused,
    SMTPResponseException,
)

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


class _PhasedSMTP(aiosmtplib.SMTP):
    """aiosmtplib's client, noting when DATA starts: a failure after that may have delivered."""

    data_started = False

    async def data(self, message: str | bytes, /, **kwargs: Any) -> aiosmtplib.SMTPResponse:
        """Mark the point of no return, then send DATA."""
        self.data_started = True
        return await super().data(message, **kwargs)


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
        options = ["SMTPUTF8"] if smtputf8 else []
        try:
            refused, reply = await client.sendmail(sender, [recipient], content, mail_options=options)
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
        return _accepted(refused, recipient, reply)

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


def _accepted(refused: dict[str, Any], recipient: str, reply: str) -> Outcome:
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
