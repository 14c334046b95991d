"""Message bytes: headers, threading, encodings (UTF-8, IDNA, SMTPUTF8), unsubscribe, Re: prefixes."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from outreach.core.compose import (
    Draft,
    compose,
    envelope_address,
    new_message_id,
    reply_prefix,
    reply_subject,
    stamped,
    token_of,
)
from outreach.errors import SendingError, UnsafeHeaderError
from tests.sending.world import NOW


def draft(**fields: object) -> Draft:
    values: dict[str, object] = {
        "sender_address": "lucia@site.com", "sender_name": "Lucía Romero", "recipient_address": "ana@diario.mx",
        "recipient_name": "Ana Pérez", "subject": "Datos de nómina para El Diario",
        "text": "Buen día:\n\nLe escribo de Site.\n", "unsubscribe_mailto": "baja@site.com"}
    return Draft(**{**values, **fields})  # type: ignore[arg-type]


def parse(content: bytes) -> EmailMessage:
    parsed = message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert not parsed.defects, parsed.defects
    return parsed


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_headers_round_trip_through_the_stdlib_parser() -> None:
    message_id, _ = new_message_id("site.com")
    composed = compose(draft(reply_to="prensa@site.com"), message_id)
    parsed = parse(composed.content)
    assert str(parsed["From"]) == "Lucía Romero <lucia@site.com>"
    assert str(parsed["To"]) == "Ana Pérez <ana@diario.mx>"
    assert parsed["Subject"] == "Datos de nómina para El Diario"
    assert parsed["Message-ID"] == message_id
    assert parsed["Reply-To"] == "prensa@site.com"
    assert parsed["List-Unsubscribe"] == "<mailto:baja@site.com?subject=unsubscribe>"
    assert parsed["List-Unsubscribe-Post"] is None
    assert parsed["Date"] is None, "Date is stamped at each attempt, not stored"
    assert text_of(parsed) == "Buen día:\n\nLe escribo de Site.\n"
    assert composed.content.isascii() and b"\r\n" in composed.content and b"\n\n" not in composed.content
    assert all(len(line) <= 78 for line in composed.content.split(b"\r\n"))
    assert not composed.smtputf8


def test_a_follow_up_threads_to_the_pitch() -> None:
    pitch_id, _ = new_message_id("site.com")
    reply_id, _ = new_message_id("site.com")
    parsed = parse(compose(draft(subject="Re: Datos", in_reply_to=pitch_id), reply_id).content)
    assert parsed["In-Reply-To"] == pitch_id
    assert parsed["References"] == pitch_id
    assert parsed["Message-ID"] == reply_id != pitch_id


def test_one_click_unsubscribe_carries_the_message_token() -> None:
    message_id, token = new_message_id("site.com")
    assert token_of(message_id) == token
    composed = compose(draft(unsubscribe_url=f"https://site.com/u/{token}"), message_id)
    parsed = parse(composed.content)
    assert parsed["List-Unsubscribe"] == (f"<https://site.com/u/{token}>, "
                                          "<mailto:baja@site.com?subject=unsubscribe>")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_html_goes_with_the_text_as_alternatives() -> None:
    parsed = parse(compose(draft(html="<p>Buen <b>día</b></p>"), new_message_id("site.com")[0]).content)
    assert parsed.get_content_type() == "multipart/alternative"
    html = parsed.get_body(("html",))
    assert html is not None and "Buen <b>día</b>" in html.get_content()
    assert text_of(parsed).startswith("Buen día")


@pytest.mark.parametrize(("address", "expected", "utf8"), [
    ("ana@diario.mx", "ana@diario.mx", False),
    ("ana@exámple.mx", "ana@xn--exmple-qta.mx", False),
    ("josé@diario.mx", "josé@diario.mx", True),
    ("ana@DIARIO.MX", "ana@diario.mx", False),
], ids=["ascii", "idna-domain", "unicode-local-part", "upper-case-domain"])
def test_addresses_use_idna_domains_and_need_smtputf8_only_for_unicode_local_parts(
        address: str, expected: str, utf8: bool) -> None:
    assert envelope_address(address) == expected
    composed = compose(draft(recipient_address=address), new_message_id("site.com")[0])
    assert composed.smtputf8 is utf8
    assert expected in str(parse(composed.content)["To"])


def test_long_non_ascii_subjects_become_several_encoded_words() -> None:
    subject = "Estadística de nómina en México: ¿cuánto gastan las pymes en 2026? " * 3
    composed = compose(draft(subject=subject.strip()), new_message_id("site.com")[0])
    assert parse(composed.content)["Subject"] == subject.strip()
    assert all(len(line) <= 78 for line in composed.content.split(b"\r\n"))


def test_display_names_are_quoted_when_they_hold_specials() -> None:
    parsed = parse(compose(draft(recipient_name='Pérez, Ana "la editora"'), new_message_id("x.com")[0]).content)
    assert parsed["To"].addresses[0].display_name == 'Pérez, Ana "la editora"'
    parsed = parse(compose(draft(recipient_name="Smith, John"), new_message_id("x.com")[0]).content)
    assert parsed["To"].addresses[0].display_name == "Smith, John"


def test_the_date_is_stamped_in_front_of_the_stored_bytes() -> None:
    content = compose(draft(), new_message_id("site.com")[0]).content
    sent = stamped(content, NOW)
    assert sent == b"Date: Fri, 13 Nov 2026 20:00:00 +0000\r\n" + content
    assert parse(sent)["Date"].datetime == NOW


@pytest.mark.parametrize(("language", "configured", "expected"), [
    ("es", None, "Re: Datos"), ("de", None, "AW: Datos"), ("it", None, "R: Datos"),
    ("sv", None, "SV: Datos"), ("fr", None, "Re: Datos"), ("es", "RE: ", "RE: Datos"),
], ids=["es", "de", "it", "sv", "fr", "configured"])
def test_follow_up_subjects_take_the_language_s_reply_prefix(language: str, configured: str | None,
                                                             expected: str) -> None:
    assert reply_subject("Datos", reply_prefix(language, configured)) == expected


def test_a_subject_that_already_replies_is_not_prefixed_twice() -> None:
    assert reply_subject("Re: Datos", "AW: ") == "Re: Datos"
    assert reply_subject("AW: Daten", "AW: ") == "AW: Daten"


INJECTIONS = ["\r\nBcc: evil@x.com", "\nBcc: evil@x.com", "\rBcc: evil@x.com", "\x00", "\u2028Bcc: x@y.z",
              "\x85Bcc: x@y.z"]


@pytest.mark.parametrize("payload", INJECTIONS, ids=["crlf", "lf", "cr", "nul", "line-separator", "nel"])
@pytest.mark.parametrize("field", ["subject", "recipient_address", "sender_address", "reply_to",
                                   "unsubscribe_mailto", "unsubscribe_url", "in_reply_to"])
def test_control_characters_in_header_fields_are_refused(field: str, payload: str) -> None:
    base = {"unsubscribe_url": "https://site.com/u/t", "in_reply_to": "<a@site.com>", "reply_to": "r@site.com"}
    value = str(base.get(field, getattr(draft(), field))) + payload
    with pytest.raises((UnsafeHeaderError, SendingError)):
        compose(draft(**{**base, field: value}), new_message_id("site.com")[0])


@pytest.mark.parametrize("payload", INJECTIONS, ids=["crlf", "lf", "cr", "nul", "line-separator", "nel"])
@pytest.mark.parametrize("field", ["recipient_name", "sender_name"])
def test_control_characters_in_display_names_are_folded_to_spaces(field: str, payload: str) -> None:
    composed = compose(draft(**{field: "Ana Pérez" + payload}), new_message_id("site.com")[0])
    parsed = parse(composed.content)
    assert parsed["Bcc"] is None
    assert set(parsed.keys()) == {"From", "To", "Subject", "Message-ID", "List-Unsubscribe", "MIME-Version",
                                  "Content-Type", "Content-Transfer-Encoding"}


def test_a_message_id_must_look_like_one() -> None:
    with pytest.raises(SendingError, match="is not a Message-ID"):
        compose(draft(), "no-brackets@site.com")
    with pytest.raises(SendingError, match="is not an email address"):
        compose(draft(recipient_address="ana diario.mx"), new_message_id("site.com")[0])
