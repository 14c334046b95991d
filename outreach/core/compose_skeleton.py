"""Composing many messages from one sender: the headers they share are built once, and each message
adds only its recipient, subject, Message-ID, threading, unsubscribe token and body.

`compose.compose` stays the reference: a skeleton's bytes equal its bytes for the same draft (tests
compare both on many varied inputs), and a sender whose shared parts fail its checks is composed
by it message by message, so every error is raised exactly as it would be there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from outreach.core.compose import (
    Composed,
    Draft,
    _address,
    _cached_address,
    _message_id,
    _part,
    _qp,
    _unstructured,
    _unsubscribe,
    compose,
    envelope_address,
    needs_smtputf8,
)
from outreach.core.mime_safety import reject_controls
from outreach.core.send_accounts import MailboxSettings
from outreach.core.send_settings import SendingSettings
from outreach.errors import SendingError, TemplateError

_MARK = "TOKENMARK7Q"
"""Stands for the unsubscribe token while the shared lines are built: ASCII letters, so it passes
the URL checks exactly as a hex token does."""
_SUBJECT_USED = len("Subject: ")


class Skeleton:
    """The shared lines of every message one sender sends with one unsubscribe setting (its URL
    holds `{token}` where each message's token goes)."""

    def __init__(self, sender_address: str, sender_name: str, *, reply_to: str | None = None,
                 unsubscribe_mailto: str | None = None, unsubscribe_url: str | None = None) -> None:
        self.sender_address, self.sender_name, self.reply_to = sender_address, sender_name, reply_to
        self.unsubscribe_mailto, self.unsubscribe_url = unsubscribe_mailto, unsubscribe_url
        self._tail: list[str] | None = None
        if any(_MARK in (value or "") for value in (reply_to, unsubscribe_mailto, unsubscribe_url)):
            return
        try:
            self._sender = _cached_address(sender_address)
            self._from = f"From: {_address(sender_name, self._sender)}"
            template = self.draft("", None, "", "", _MARK)
            lines = [f"Reply-To: {envelope_address(reply_to)}"] if reply_to else []
            lines += [*_unsubscribe(template), "MIME-Version: 1.0"]
        except (SendingError, TemplateError):
            return  # the reference path raises it for each message, as it always did
        tail = "".join("\r\n" + line for line in lines) + "\r\n" + _part("plain", "").decode("ascii")
        self._tail = tail.split(_MARK)

    @classmethod
    def for_mailbox(cls, box: MailboxSettings, sending: SendingSettings) -> Skeleton:
        """The skeleton of what `box` sends under a market's sending settings (a schedule's, a move's)."""
        return cls(box.from_address, box.from_name, reply_to=box.reply_to,
                   unsubscribe_mailto=sending.unsubscribe_mailto or box.from_address,
                   unsubscribe_url=sending.unsubscribe_url)

    def draft(self, recipient_address: str, recipient_name: str | None, subject: str, text: str,
              token: str, in_reply_to: str | None = None) -> Draft:
        """The draft `compose.compose` would be given for this message."""
        url = self.unsubscribe_url.replace("{token}", token) if self.unsubscribe_url else None
        return Draft(self.sender_address, self.sender_name, recipient_address, recipient_name, subject, text,
                     reply_to=self.reply_to, in_reply_to=in_reply_to,
                     unsubscribe_mailto=self.unsubscribe_mailto, unsubscribe_url=url)

    def compose(self, recipient_address: str, recipient_name: str | None, subject: str, text: str,
                message_id: str, token: str, in_reply_to: str | None = None,
                references: Sequence[str] = ()) -> Composed:
        """The message's bytes, equal to `compose.compose` of the same draft."""
        if self._tail is None or not (token.isascii() and token.isalnum()):
            draft = self.draft(recipient_address, recipient_name, subject, text, token, in_reply_to)
            return compose(draft, message_id, references)
        recipient = envelope_address(recipient_address)
        lines = [self._from, f"To: {_address(recipient_name, recipient)}",
                 "Subject: " + _unstructured(reject_controls(subject, "subject"), _SUBJECT_USED),
                 f"Message-ID: {_message_id(message_id)}"]
        if in_reply_to:
            parent = _message_id(in_reply_to)
            lines += [f"In-Reply-To: {parent}",
                      "References: " + "\r\n ".join([*(_message_id(ref) for ref in references), parent])]
        content = ("\r\n".join(lines) + token.join(self._tail)).encode("utf-8") + _qp(text)
        return Composed(content, hashlib.sha256(content).hexdigest(), needs_smtputf8(self._sender, recipient))
