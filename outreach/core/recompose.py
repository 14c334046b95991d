"""A queued message's bytes made again for another sending mailbox, through `compose.compose`.

Only the lines a sender decides change (From, Reply-To, List-Unsubscribe): the recipient, the
approved subject and body, the Message-ID and the threading come out of the stored bytes and are
checked to come back byte for byte, or the message is refused, never sent altered.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from outreach.core.compose import Composed, compose, token_of
from outreach.core.compose_skeleton import Skeleton
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_settings import SendingSettings
from outreach.errors import SendingError

SENDER_FIELDS = frozenset({"from", "reply-to", "list-unsubscribe", "list-unsubscribe-post"})
"""Header fields that depend on the sending mailbox; every other byte must stay the same."""
PLAIN_TEXT = ('content-type: text/plain; charset="utf-8"', "content-transfer-encoding: quoted-printable")
"""The body headers `compose` writes for a text-only message (the only kind scheduling makes)."""
_ENCODED_WORD = re.compile(r"=\?utf-8\?b\?([A-Za-z0-9+/=]*)\?=")
_QUOTED_PAIR = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Stored:
    """What the outbox row says about a queued message, besides its bytes."""

    id: int
    message_id: str
    recipient: str
    subject: str
    thread_root: str | None
    content: bytes


def recompose(stored: Stored, box: MailboxSettings, sending: SendingSettings) -> Composed:
    """The message's bytes as `box` would have composed them at enqueue; SendingError if anything
    but the sender's lines would differ."""
    fields, body = _split(stored.content, stored.id)
    if [raw.lower() for name, raw in fields if name in ("content-type", "content-transfer-encoding")] \
            != list(PLAIN_TEXT):
        raise SendingError(f"outbox message #{stored.id} is not plain text as scheduling composes it; "
                           "it cannot be re-composed for another mailbox")
    try:
        text = binascii.a2b_qp(body).decode("utf-8")
    except (UnicodeDecodeError, binascii.Error):
        raise SendingError(f"outbox message #{stored.id}: its stored body is not UTF-8 text") from None
    # the very draft scheduling would have given `compose` had the market sent from `box`
    draft = Skeleton.for_mailbox(box, sending).draft(stored.recipient, _recipient_name(stored, fields),
                                                     stored.subject, text, token_of(stored.message_id),
                                                     stored.thread_root)
    made = compose(draft, stored.message_id)
    if _unchanged_part(*_split(made.content, stored.id)) != _unchanged_part(fields, body):
        raise SendingError(f"outbox message #{stored.id} would not keep its recipient, subject, body or "
                           f"threading byte for byte when sent from '{box.name}'; it was not moved")
    return made


def _split(content: bytes, outbox_id: int) -> tuple[list[tuple[str, str]], bytes]:
    """The header fields (lower-case name, raw text with its folding) and the body."""
    head, blank, body = content.partition(b"\r\n\r\n")
    if not blank:
        raise SendingError(f"outbox message #{outbox_id} has no header/body separator")
    fields: list[tuple[str, str]] = []
    for line in head.decode("utf-8").split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            name, raw = fields[-1]
            fields[-1] = (name, raw + "\r\n" + line)
        else:
            fields.append((line.partition(":")[0].strip().lower(), line))
    return fields, body


def _unchanged_part(fields: list[tuple[str, str]], body: bytes) -> tuple[list[str], bytes]:
    """The header fields no sender decides, in order, and the body."""
    return [raw for name, raw in fields if name not in SENDER_FIELDS], body


def _recipient_name(stored: Stored, fields: list[tuple[str, str]]) -> str | None:
    """The display name of the stored To header, or None when it has none."""
    raws = [raw for name, raw in fields if name == "to"]
    if len(raws) != 1:
        raise SendingError(f"outbox message #{stored.id} does not have exactly one To header")
    value = raws[0].partition(":")[2].replace("\r\n", "").strip()
    display, bracket, _ = value.rpartition("<")
    display = display.strip()
    if not bracket or not display:
        return None
    try:
        return _read_display_name(display)
    except (binascii.Error, UnicodeDecodeError):
        raise SendingError(f"outbox message #{stored.id}: its To header cannot be read back") from None


def _read_display_name(display: str) -> str:
    """A display name as `compose` wrote it (atext, a quoted string or UTF-8 encoded words), decoded;
    encoded words are joined without the folding between them (RFC 2047 6.2)."""
    if len(display) > 1 and display.startswith('"') and display.endswith('"'):
        return _QUOTED_PAIR.sub(r"\1", display[1:-1])
    words = [_ENCODED_WORD.fullmatch(word) for word in display.split(" ")]
    payloads = [word[1] for word in words if word is not None]
    if len(payloads) != len(words):
        return display
    return b"".join(base64.b64decode(payload, validate=True) for payload in payloads).decode("utf-8")
