"""A read-only IMAP session (imaplib over IMAPS or STARTTLS): folders, new UIDs, messages, header search."""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator, Sequence
from datetime import date
from types import TracebackType

from outreach.core.imap_settings import ImapMailbox
from outreach.errors import MailboxError

FETCHED_UID = re.compile(rb"\bUID (\d+)")
SPECIAL_SENT = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"[^"]*"|NIL) (?P<name>.+)$')

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""RFC 3501 month names, spelled out here because strftime's `%b` follows the locale."""

NETWORK_ERRORS = (imaplib.IMAP4.error, OSError, ssl.SSLError, EOFError)
"""What a broken connection, a refused login or an unhappy server raise (imaplib.IMAP4.abort included)."""


def encode_folder(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 §5.1.3), quoted."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            chunk = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            encoded.append("&" + chunk.replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    text = "".join(encoded)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tls_context(box: ImapMailbox) -> ssl.SSLContext:
    """TLS settings: the system's trust store or the mailbox's own CA; unverified only when asked."""
    context = ssl.create_default_context(cafile=str(box.ca_file) if box.ca_file else None)
    if not box.validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class ImapSession:
    """A logged-in connection to one mailbox that only reads (EXAMINE and BODY.PEEK: nothing marked seen)."""

    def __init__(self, box: ImapMailbox) -> None:
        self.box = box
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> ImapSession:
        self._imap = self._connect()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._imap is not None:
            with contextlib.suppress(*NETWORK_ERRORS):  # the connection is going away either way
                self._imap.logout()
            self._imap = None

    def _where(self) -> str:
        """The mailbox and server, for messages (never the password)."""
        return f"mailbox '{self.box.name}' ({self.box.user} at {self.box.host}:{self.box.imap_port})"

    def _connect(self) -> imaplib.IMAP4:
        """Connect over TLS (or upgrade with STARTTLS) and log in."""
        box, context = self.box, _tls_context(self.box)
        try:
            if box.security == "tls":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(box.host, box.imap_port, ssl_context=context,
                                                        timeout=box.timeout)
            else:
                imap = imaplib.IMAP4(box.host, box.imap_port, timeout=box.timeout)
                imap.starttls(ssl_context=context)
        except NETWORK_ERRORS as exc:
            raise MailboxError(f"cannot connect to {self._where()}: {exc}") from None
        try:
            imap.login(box.user, box.password.get_secret_value())
        except NETWORK_ERRORS as exc:
            imap.shutdown()
            raise MailboxError(f"cannot log in to {self._where()}: {_text(exc)}") from None
        return imap

    @property
    def imap(self) -> imaplib.IMAP4:
        """The open connection."""
        if self._imap is None:
            raise MailboxError(f"{self._where()} is not connected")
        return self._imap

    def _ok(self, what: str, reply: tuple[str, Sequence[object]]) -> list[object]:
        """The data of an OK reply; anything else is a MailboxError naming the command."""
        status, data = reply
        if status != "OK":
            raise MailboxError(f"{self._where()}: {what} failed: {_text(data)}")
        return list(data)

    def examine(self, folder: str) -> int:
        """Open a folder read-only and return its UIDVALIDITY."""
        try:
            self._ok(f"EXAMINE {folder}", self.imap.select(encode_folder(folder), readonly=True))
            _, values = self.imap.response("UIDVALIDITY")
        except NETWORK_ERRORS as exc:
            raise MailboxError(f"{self._where()}: cannot open folder '{folder}': {_text(exc)}") from None
        found = [value for value in values if isinstance(value, bytes) and value.strip().isdigit()]
        if not found:
            raise MailboxError(f"{self._where()}: folder '{folder}' reports no UIDVALIDITY")
        return int(found[-1])

    def uids_after(self, last_uid: int, since: date | None = None) -> list[int]:
        """UIDs above `last_uid` in the open folder, ascending, received on or after `since` when given
        (`N:*` also names the last message; SINCE compares the server's internal date, day only)."""
        criteria = [f"UID {last_uid + 1}:*"]
        if since is not None:
            criteria += ["SINCE", imap_date(since)]
        return [uid for uid in self._search(*criteria) if uid > last_uid]

    def highest_uid(self) -> int:
        """The open folder's highest UID, 0 when it is empty."""
        return max(self._search("UID *"), default=0)

    def _search(self, *criteria: str) -> list[int]:
        """The UIDs a UID SEARCH finds in the open folder, ascending."""
        data = self._command("UID SEARCH", "SEARCH", None, *criteria)
        words = b" ".join(item for item in data if isinstance(item, bytes)).split()
        return sorted(int(word) for word in words if word.isdigit())

    def fetch(self, uids: Sequence[int]) -> Iterator[tuple[int, bytes]]:
        """Each message's full bytes, without setting \\Seen."""
        if not uids:
            return
        data = self._command("UID FETCH", "FETCH", ",".join(str(uid) for uid in uids), "(UID BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                found = FETCHED_UID.search(item[0])
                if found:
                    yield int(found.group(1)), bytes(item[1])

    def has_message_id(self, message_id: str) -> bool:
        """Whether the open folder holds a message with this Message-ID."""
        if not re.fullmatch(r"<[^\s\"\\<>]+>", message_id):
            return False
        data = self._command("UID SEARCH", "SEARCH", None, "HEADER", "Message-ID", f'"{message_id}"')
        return any(isinstance(item, bytes) and item.strip() for item in data)

    def sent_folder(self) -> str | None:
        """The folder the server marks `\\Sent` (RFC 6154), if it marks one."""
        try:
            listing = self._ok("LIST", self.imap.list())
        except NETWORK_ERRORS as exc:
            raise MailboxError(f"{self._where()}: LIST failed: {_text(exc)}") from None
        for line in listing:
            found = SPECIAL_SENT.match(line) if isinstance(line, bytes) else None
            if found and b"\\sent" in found.group("flags").lower():
                return _decode_folder(found.group("name"))
        return None

    def _command(self, what: str, command: str, *args: str | None) -> list[object]:
        """Run one UID command, turning network and protocol errors into MailboxError."""
        try:
            return self._ok(what, self.imap.uid(command, *args))  # type: ignore[arg-type]  # None is skipped
        except NETWORK_ERRORS as exc:
            raise MailboxError(f"{self._where()}: {what} failed: {_text(exc)}") from None


def imap_date(day: date) -> str:
    """A date as IMAP search criteria write it (RFC 3501 `date`: 7-Dec-2026)."""
    return f"{day.day}-{MONTHS[day.month - 1]}-{day.year}"


def _decode_folder(raw: bytes) -> str:
    """A LIST name back to text: unquoted, modified UTF-7 decoded."""
    text = raw.decode("ascii", "replace").strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1].replace('\\"', '"').replace("\\\\", "\\")

    def shift(found: re.Match[str]) -> str:
        chunk = found.group(1)
        if not chunk:
            return "&"
        padded = chunk.replace(",", "/") + "=" * (-len(chunk) % 4)
        return base64.b64decode(padded).decode("utf-16-be")

    return re.sub(r"&([A-Za-z0-9+,]*)-", shift, text)


def _text(value: object) -> str:
    """A server reply or error as one readable line."""
    if isinstance(value, list | tuple):
        value = b" ".join(item if isinstance(item, bytes) else str(item).encode() for item in value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())[:300]
