"""Incoming mail reduced to what the mailbox needs: thread ids, the sender, the new text, auto-replies."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from outreach.core.mail_text import fold, html_to_text, new_text, phrases

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
"""A Message-ID as it appears in Message-ID, In-Reply-To and References: `<local@domain>`."""

AUTO_PRECEDENCE = frozenset({"auto_reply", "bulk", "junk", "list"})
"""Precedence values mailers put on mail nobody wrote by hand (RFC 3834 §3.1.8)."""

AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponse", "x-auto-response")
"""Non-standard headers auto-responders add (any value means automatic)."""


def parse_bytes(raw: bytes) -> EmailMessage:
    """A message parsed with the modern policy (headers decoded, defects recorded, nothing raised)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def message_ids(value: object) -> list[str]:
    """Every `<id>` in a header value, in order, each once."""
    found = MESSAGE_ID.findall(str(value or ""))
    return list(dict.fromkeys(found))


def message_key(message: Message, raw: bytes) -> str:
    """What identifies a message across rescans: its Message-ID, or a hash of its bytes without one."""
    ids = message_ids(_header(message, "Message-ID"))
    return ids[0] if ids else "sha256:" + hashlib.sha256(raw).hexdigest()


def _header(message: Message, name: str) -> str:
    """A header as text; a header too broken to decode is read raw rather than failing the message."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):
        raw = message.get_all(name, failobj=[])
        value = raw[0] if raw else None
    return str(value) if value is not None else ""


@dataclass(frozen=True)
class InboundMessage:
    """One incoming message, reduced to what matching and classification read."""

    key: str
    """Message-ID, or a hash of the bytes when there is none."""
    message_id: str | None
    replies_to: tuple[str, ...]
    """In-Reply-To: the message this one answers."""
    thread_ids: tuple[str, ...]
    """In-Reply-To, then References newest first, each once: the messages this one follows."""
    sender: str
    """The From address, lower case (empty when missing)."""
    subject: str
    sent_at: datetime | None
    text: str
    """The new text its author wrote (quotes and signature left out)."""
    auto_reason: str | None
    """Why this is an automatic answer (a header or a phrase), or None when a person wrote it."""


def read(raw: bytes) -> tuple[EmailMessage, InboundMessage]:
    """Parse a message and reduce it; never raises on malformed headers or bodies."""
    message = parse_bytes(raw)
    ids = message_ids(_header(message, "Message-ID"))
    replies_to = message_ids(_header(message, "In-Reply-To"))
    thread = replies_to + message_ids(_header(message, "References"))[::-1]
    subject = " ".join(_header(message, "Subject").split())
    text = new_text(body_text(message))
    return message, InboundMessage(
        key=message_key(message, raw), message_id=ids[0] if ids else None,
        replies_to=tuple(replies_to), thread_ids=tuple(dict.fromkeys(thread)),
        sender=sender_address(message), subject=subject,
        sent_at=_date(message), text=text, auto_reason=auto_reply_reason(message, subject, text))


def sender_address(message: Message) -> str:
    """The first From (else Sender, else Return-Path) address, lower case."""
    for name in ("From", "Sender", "Return-Path"):
        addresses = [address for _, address in getaddresses([_header(message, name)]) if "@" in address]
        if addresses:
            return addresses[0].strip().lower()
    return ""


def _date(message: Message) -> datetime | None:
    """The Date header as an aware datetime, when it can be read."""
    try:
        moment = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def body_text(message: EmailMessage) -> str:
    """The plain-text body, else the HTML body as text up to its quote; empty when there is neither."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def auto_reply_reason(message: Message, subject: str, text: str) -> str | None:
    """The header or phrase that marks a message as automatic (RFC 3834 and common practice)."""
    submitted = fold(_header(message, "Auto-Submitted"))
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in AUTO_HEADERS:
        if _header(message, name):
            return f"{name}"
    precedence = fold(_header(message, "Precedence"))
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    table = phrases()
    prefix = table.auto_subject_prefix(subject)
    if prefix:
        return f"subject: {prefix}"
    found = table.out_of_office.find(text)
    return f"out-of-office ({found[0]}): {found[1]}" if found else None
