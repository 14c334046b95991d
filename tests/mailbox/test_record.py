"""One message recorded (no IMAP needed): once only, our own copies skipped, address-only replies, odd text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.mailbox_inbound import Where, record_message
from outreach.core.mailbox_tables import InboundEvent
from outreach.core.models import LinkRequest
from tests.mailbox.mail_world import MailWorld


@pytest.fixture
def mail(tmp_path: Path, any_url: str) -> MailWorld:
    return MailWorld.make(tmp_path / "ws", any_url)


def _record(mail: MailWorld, raw: bytes, uid: int = 1) -> list[tuple[str, str | None]]:
    with mail.world.store.transaction() as session:
        where = Where("desk", "INBOX", 1, uid, "tester", mail.world.campaign_id)
        return [(event.kind, event.matched_by) for event in record_message(session, where, raw)]


def test_the_same_message_is_recorded_once(mail: MailWorld) -> None:
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    raw = mail.raw("reply_gmail_es.eml")
    assert _record(mail, raw) == [("reply", "in-reply-to")]
    assert _record(mail, raw, uid=9) == []


def test_our_own_message_in_the_inbox_is_not_an_answer(mail: MailWorld) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    assert _record(mail, sent.pitch.content) == []


def test_a_prospect_writing_outside_the_thread_is_recorded_without_changing_states(mail: MailWorld) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    raw = mail.raw("reply_gmail_es.eml")
    for header in (b"In-Reply-To", b"References"):
        raw = raw.replace(header + b":", b"X-Old-" + header + b":")
    assert _record(mail, raw) == [("reply", "sender")]
    with mail.world.store.transaction() as session:
        assert session.get(LinkRequest, sent.request_id).state == "sent"
        event = session.exec(select(InboundEvent)).one()
        assert (event.prospect_id, event.request_id, event.market) == (sent.prospect_id, None, "es-MX")


def test_nul_characters_and_markup_are_stored_as_text(mail: MailWorld) -> None:
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    raw = mail.raw("reply_gmail_es.eml").replace(
        b"Subject: Re: Datos de ahorro en CDMX para su pr\xc3\xb3xima nota",
        b"Subject: =?utf-8?q?Re:_nota=00[bold]x[/]?=")
    assert _record(mail, raw) == [("reply", "in-reply-to")]
    with mail.world.store.transaction() as session:
        assert session.exec(select(InboundEvent.subject)).one() == "Re: nota[bold]x[/]"


def test_bytes_that_are_not_a_message_record_nothing(mail: MailWorld) -> None:
    assert _record(mail, b"\x00\xff\xfe garbage without headers") == []
