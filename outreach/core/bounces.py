"""Bounce reports read into hard or soft, recipient and status: RFC 3464 DSNs and common free-text shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage, Message

from outreach.core.mail_parse import body_text, message_ids, sender_address
from outreach.core.mail_text import fold

STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
"""An enhanced status code (RFC 3463), e.g. 5.1.1."""
SMTP_REPLY = re.compile(r"(?<![\d.])([45][0-5]\d)(?:[ -]|$)")
"""A basic SMTP reply code, e.g. 550."""
ADDRESS = re.compile(r"<?([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>?")

DAEMONS = ("mailer-daemon", "postmaster", "mail delivery", "microsoftexchange")
"""Sender names that send bounces."""
BOUNCE_SUBJECTS = ("undelivered mail", "undeliverable", "delivery status notification", "failure notice",
                   "mail delivery failed", "returned mail", "delivery failure", "non remis", "unzustellbar",
                   "nao entregue", "no se puede entregar", "message not delivered")
"""Subjects (folded, at the start) of bounces that are not RFC 3464 reports."""

REPORT_TYPES = ("message/delivery-status", "message/global-delivery-status")
"""Content types of a DSN's machine-readable part (RFC 3464, RFC 6533)."""
SOFT_PERMANENT = ("5.2.2", "5.2.3", "5.3.4")
"""5.x.x codes about the mailbox's state or the message, not the address: a later try may pass."""
SOFT_CLASSES = ("5.7.",)
"""Policy refusals (spam filters, authentication): the address exists, so it is not suppressed."""
SOFT_WORDS = ("quota", "mailbox full", "mailbox is full", "insufficient storage", "spam", "blocked", "policy",
              "try again later", "temporarily")
"""Words that make a generic 5.0.0 or 550 about the mailbox or the message rather than the address."""
COPY_MARKERS = ("below this line is a copy", "this is a copy of the message", "original message headers",
                "----- original message", "------ this is a copy", "return-path:", "received:")
"""Lines (folded, at the start) where a free-text bounce's copy of the original begins."""


@dataclass(frozen=True)
class Bounce:
    """One recipient's failure as a report states it."""

    recipient: str
    """The address that failed, lower case."""
    status: str
    """Enhanced status code (`5.1.1`), or a basic SMTP code (`550`) when no other is given."""
    hard: bool
    """True when the address itself is bad: it must never be mailed again."""
    diagnostic: str
    """The remote server's words, shortened."""
    original_message_id: str | None
    """Message-ID of the message that bounced, when the report carries its headers."""
    shape: str
    """`rfc3464` or the free-text shape recognised (`qmail`, `exchange`, `text`)."""

    @property
    def kind(self) -> str:
        """`hard` or `soft`."""
        return "hard" if self.hard else "soft"


def is_hard(status: str, diagnostic: str = "") -> bool:
    """Whether a status code says the address itself is bad (5.x.x outside mailbox-state and policy)."""
    if not status.startswith("5") or status in SOFT_PERMANENT or status.startswith(SOFT_CLASSES):
        return False
    if status == "552":
        return False
    generic = status in ("5.0.0", "550", "554") or "." not in status
    return not (generic and any(word in fold(diagnostic) for word in SOFT_WORDS))


def parse_bounce(message: EmailMessage) -> list[Bounce] | None:
    """The failures a bounce reports, or None when the message is not a bounce."""
    if message.get_content_type() == "multipart/report":
        found = _from_report(message)
        if found is not None:
            return found
    if _looks_like_bounce(message):
        return _from_text(message)
    return None


def _from_report(message: EmailMessage) -> list[Bounce] | None:
    """Per-recipient blocks of a `message/delivery-status` part (None when the report has none)."""
    status_part = next((part for part in message.walk() if part.get_content_type() in REPORT_TYPES), None)
    if status_part is None:
        return None
    blocks = [block for block in status_part.get_payload() if isinstance(block, Message)]
    original = original_message_id(message)
    bounces = []
    for block in blocks:
        bounce = _from_block(block, original)
        if bounce is not None:
            bounces.append(bounce)
    return bounces


def _from_block(block: Message, original: str | None) -> Bounce | None:
    """One recipient block; delivered, relayed and expanded recipients are not failures."""
    action = fold(str(block.get("Action", "")))
    recipient = _address_field(block.get("Final-Recipient") or block.get("Original-Recipient"))
    if not recipient or action not in ("failed", "delayed"):
        return None
    diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
    diagnostic = diagnostic.split(";", 1)[1].strip() if diagnostic.lower().startswith("smtp;") else diagnostic
    found = STATUS.search(str(block.get("Status", ""))) or STATUS.search(diagnostic)
    fallback = "4.0.0" if action == "delayed" else "5.0.0"
    status = found.group(0) if found else _smtp_code(diagnostic) or fallback
    hard = action == "failed" and is_hard(status, diagnostic)
    return Bounce(recipient, status, hard, diagnostic[:300], original, "rfc3464")


def _address_field(value: object) -> str | None:
    """The address of a `type; address` field (`rfc822; ana@diario.mx`)."""
    if value is None:
        return None
    text = str(value).split(";", 1)[-1]
    found = ADDRESS.search(text)
    return found.group(1).lower() if found else None


def _smtp_code(text: str) -> str | None:
    found = SMTP_REPLY.search(text)
    return found.group(1) if found else None


def original_message_id(message: EmailMessage) -> str | None:
    """The Message-ID of the bounced message, from its attached headers or copy."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
            found = re.search(r"^message-id:\s*(<[^>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
            if found:
                return found.group(1)
        elif kind in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            attached = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(attached, Message):
                ids = message_ids(attached.get("Message-ID"))
                if ids:
                    return ids[0]
    return None


def _looks_like_bounce(message: EmailMessage) -> bool:
    """A free-text bounce: from a mailer daemon, or under a bounce subject, with an empty return path."""
    sender = fold(f"{message.get('From', '')} {sender_address(message)}")
    subject = fold(str(message.get("Subject", "")))
    return any(name in sender for name in DAEMONS) or subject.startswith(BOUNCE_SUBJECTS)


def _from_text(message: EmailMessage) -> list[Bounce]:
    """Failures a free-text bounce lists: each failed address with the code nearest after it."""
    text = body_text(message)
    lines = _report_lines(text)
    report = "\n".join(lines)
    shape, original = _shape(report), original_message_id(message) or _quoted_message_id(text)
    first_code = STATUS.search(report)
    own = {sender_address(message)}
    bounces: dict[str, Bounce] = {}
    for index, line in enumerate(lines):
        for found in ADDRESS.finditer(line):
            recipient = found.group(1).lower().rstrip(".")
            if recipient in own or recipient in bounces or not _names_failure(lines, index):
                continue
            window = " ".join(lines[index:index + 6])
            code = STATUS.search(window) or first_code
            status = code.group(0) if code else _smtp_code(window) or _status_from_words(report)
            said = next((line for line in lines[index:] if code and code.group(0) in line), window)
            diagnostic = " ".join(said.split())[:300]
            hard = is_hard(status, f"{window} {diagnostic}")
            bounces[recipient] = Bounce(recipient, status, hard, diagnostic, original, shape)
    return list(bounces.values())


def _report_lines(text: str) -> list[str]:
    """The bounce's own lines, up to where it starts quoting the original message."""
    lines = text.splitlines()
    end = next((index for index, line in enumerate(lines)
                if fold(line).lstrip("- ").startswith(COPY_MARKERS) or fold(line).startswith(COPY_MARKERS)),
               len(lines))
    return lines[:end]


def _names_failure(lines: list[str], index: int) -> bool:
    """Whether an address on this line is a failed recipient rather than a header or a signature."""
    line = lines[index].strip()
    if re.match(r"^(from|to|cc|reply-to|return-path|sender|message-id|de|para|von|an)\s*:", line, re.I):
        return False
    window = fold(" ".join(lines[max(index - 3, 0):index + 6]))
    return bool(STATUS.search(window) or SMTP_REPLY.search(window) or
                any(word in window for word in ("failed", "could not be delivered", "wasn't able to deliver",
                                                "not found", "does not exist", "unknown", "rejected")))


def _status_from_words(text: str) -> str:
    """A status from the report's words when it gives no code: permanent unless it says it will retry."""
    folded = fold(text)
    if any(word in folded for word in ("will retry", "temporary", "delayed", "has not yet been delivered")):
        return "4.0.0"
    return "5.0.0"


def _quoted_message_id(text: str) -> str | None:
    found = re.search(r"^\s*message-id:\s*(<[^>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return found.group(1) if found else None


def _shape(text: str) -> str:
    """Which free-text bounce this is, for the record."""
    folded = fold(text)
    if "qmail-send" in folded:
        return "qmail"
    if "delivery has failed to these recipients" in folded or "remote server returned" in folded:
        return "exchange"
    return "text"
