"""Unsubscribe requests in any campaign language: a reply asking to be left alone."""

from __future__ import annotations

from dataclasses import dataclass

from outreach.core.mail_parse import InboundMessage
from outreach.core.mail_text import phrases


@dataclass(frozen=True)
class Unsubscribe:
    """What asked to be left alone, and how it said so."""

    address: str
    language: str
    phrase: str


def unsubscribe_request(message: InboundMessage, languages: tuple[str, ...] | None = None,
                        ) -> Unsubscribe | None:
    """The unsubscribe request in a message's subject or new text (never in the quoted pitch), if any.

    Only the text above the quote is read: every reply quotes our own opt-out line.
    """
    if not message.sender:
        return None
    subject = _subject_without_prefixes(message.subject)
    found = phrases().unsubscribe.find(f"{subject}\n{message.text}", languages)
    return Unsubscribe(message.sender, found[0], found[1]) if found else None


def _subject_without_prefixes(subject: str) -> str:
    """The subject without the `Re:` a reply puts before our own subject, which never asks to unsubscribe.

    A reply keeps our subject ("Re: Datos para su nota"); only a subject the person wrote counts, so a
    subject that still starts with a reply prefix is ignored.
    """
    head = subject.strip().lower()
    for prefix in ("re:", "aw:", "sv:", "réf:", "ref:", "res:", "r:", "antw:", "wg:", "fw:", "fwd:", "tr:"):
        if head.startswith(prefix):
            return ""
    return subject
