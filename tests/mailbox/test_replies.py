"""Replies from several clients and languages: thread ids, sender, the new text above the quote, auto-replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.mail_parse import read
from outreach.core.mail_text import html_to_text, new_text

MESSAGES = Path(__file__).parent / "messages"

REPLIES = {
    # file: (sender, In-Reply-To, thread ids, words of the new text, words only the quote has)
    "reply_gmail_es.eml": ("laura.mendez@diario-ejemplo.com.mx", ("<pitch-es-mx-1.outreach@agency.test>",),
                           ("<pitch-es-mx-1.outreach@agency.test>",), "¿me puede enviar el estudio completo?",
                           "responda"),
    "reply_outlook_de.eml": ("j.weber@ratgeber-beispiel.de", ("<pitch-de-de-1.outreach@agency.test>",),
                             ("<pitch-de-de-1.outreach@agency.test>",), "schicken Sie mir gerne die Grafiken",
                             "abmelden"),
    "reply_apple_fr.eml": ("claire@magazine-exemple.fr", (), ("<pitch-fr-fr-1.outreach@agency.test>",),
                           "Pouvez-vous m'envoyer la méthodologie ?", "désabonner"),
    "reply_thunderbird_pt.eml": ("rafael@portal-exemplo.com.br", ("<pitch-pt-br-1.outreach@agency.test>",),
                                 ("<pitch-pt-br-1.outreach@agency.test>",), "Olá, obrigado pelo contato!",
                                 "descadastrar"),
    "reply_gmail_en_html.eml": ("tom.harris@guide-example.co.uk", ("<followup-en-gb-1-1.outreach@agency.test>",),
                                ("<followup-en-gb-1-1.outreach@agency.test>", "<pitch-en-gb-1.outreach@agency.test>"),
                                "Could you send the London figures?", "unsubscribe"),
    "reply_outlook_en_quoted_optout.eml": ("priya.shah@money-example.co.uk", ("<pitch-en-gb-2.outreach@agency.test>",),
                                           ("<pitch-en-gb-2.outreach@agency.test>",),
                                           "Tuesday works for me.", "unsubscribe"),
}


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_a_reply_is_read_down_to_what_its_author_wrote(name: str) -> None:
    sender, replies_to, thread, said, quoted = REPLIES[name]
    _, message = read((MESSAGES / name).read_bytes())
    assert message.sender == sender
    assert message.replies_to == replies_to
    assert message.thread_ids == thread
    assert said in message.text
    assert quoted not in message.text
    assert message.auto_reason is None


def test_decoded_subject_date_and_own_message_id() -> None:
    _, message = read((MESSAGES / "reply_thunderbird_pt.eml").read_bytes())
    assert message.subject == "Re: Dados de economia em São Paulo"
    assert message.message_id == message.key == "<5f3c2a1b-7d8e-4f90-a1b2-c3d4e5f6a7b8@portal-exemplo.com.br>"
    assert message.sent_at is not None and message.sent_at.isoformat() == "2026-12-07T14:31:09-03:00"
    assert "Rafael Souza\nEditor" not in message.text  # the signature is left out


AUTO = {
    "auto_submitted_es.eml": "Auto-Submitted: auto-replied",
    "auto_x_autoreply_de.eml": "x-autoreply",
    "auto_precedence_fr.eml": "Precedence: auto_reply",
    "auto_subject_en.eml": "subject: automatic reply",
    "auto_ooo_text_pt.eml": "out-of-office (pt): estou de ferias",
    "auto_ooo_text_es_outlook.eml": "out-of-office (es): me encuentro fuera de la oficina",
}


@pytest.mark.parametrize("name", sorted(AUTO))
def test_auto_replies_are_told_apart_by_header_subject_or_text(name: str) -> None:
    _, message = read((MESSAGES / name).read_bytes())
    assert message.auto_reason == AUTO[name]


def test_auto_submitted_no_is_a_person() -> None:
    raw = (MESSAGES / "reply_outlook_en_quoted_optout.eml").read_bytes().replace(
        b"MIME-Version: 1.0", b"Auto-Submitted: no\r\nMIME-Version: 1.0")
    assert read(raw)[1].auto_reason is None


def test_gmail_wraps_the_attribution_line() -> None:
    body = ("Yes, send it over.\n\nOn Mon, 7 Dec 2026 at 10:02, Example Agency <pitch@agency.test>\n"
            "wrote:\n\n> Hi Tom,\n> our study\n")
    assert new_text(body) == "Yes, send it over."


def test_html_text_stops_at_the_quote_and_drops_style() -> None:
    html = ("<html><head><style>p{color:red}</style></head><body><p>Me interesa&nbsp;mucho.</p>"
            "<div id=\"divRplyFwdMsg\"><b>De:</b> Agencia</div><p>never shown</p></body></html>")
    assert html_to_text(html) == "Me interesa mucho."


def test_a_message_without_message_id_gets_a_stable_key() -> None:
    raw = b"From: a@diario.mx\r\nSubject: hola\r\n\r\nhola\r\n"
    first, second = read(raw)[1], read(raw)[1]
    assert first.message_id is None
    assert first.key == second.key and first.key.startswith("sha256:")
    assert read(raw + b"otra\r\n")[1].key != first.key


def test_broken_headers_do_not_raise() -> None:
    raw = (b"From: =?utf-8?q?broken\r\nDate: not a date\r\nIn-Reply-To: no brackets here\r\n"
           b"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\n\xff\xfe hola\r\n")
    _, message = read(raw)
    assert message.sent_at is None
    assert message.thread_ids == ()
    assert "hola" in message.text


def _plain(body: str, *headers: str) -> bytes:
    head = "\r\n".join(("From: editor@zeitung.de", "Subject: Re: Daten", "In-Reply-To: <p1@agency.test>",
                        "Content-Type: text/plain; charset=utf-8", *headers))
    return f"{head}\r\n\r\n{body}\r\n".encode()


@pytest.mark.parametrize(("body", "reason"), [
    ("Vielen Dank für Ihre Nachricht. Ich bin bis zum 4. Januar nicht im Büro.",
     "out-of-office (de): nicht im buro"),
    ("Bonjour, je suis absente du bureau jusqu'au 3 janvier.", "out-of-office (fr): absente du bureau"),
    ("I am currently out of the office with limited access to email.", "out-of-office (en): out of the office"),
    ("Estoy de vacaciones hasta el lunes 12.", "out-of-office (es): estoy de vacaciones hasta"),
])
def test_out_of_office_wording_in_each_language(body: str, reason: str) -> None:
    assert read(_plain(body))[1].auto_reason == reason


@pytest.mark.parametrize("body", [
    "I'll be back on Monday, let's talk then. Send the data please.",
    "Danke! Ich bin ab dem 5. wieder erreichbar, dann schauen wir uns das an.",
    "Merci, je reviens vers vous à mon retour de réunion.",
])
def test_genuine_replies_mentioning_absence_are_replies(body: str) -> None:
    assert read(_plain(body))[1].auto_reason is None


@pytest.mark.parametrize(("header", "reason"), [
    ("Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated"),
    ("X-Autorespond: 1", "x-autorespond"),
    ("Precedence: bulk", "Precedence: bulk"),
])
def test_more_auto_reply_headers(header: str, reason: str) -> None:
    assert read(_plain("Thanks.", header))[1].auto_reason == reason
