"""Re-composing a queued message for another mailbox: only the sender's lines change, or it is refused."""

from __future__ import annotations

import random
from email import message_from_bytes, policy

import pytest

from outreach.core.compose import Draft, compose, new_message_id
from outreach.core.recompose import Stored, recompose
from outreach.core.send_settings import SendingSettings
from outreach.errors import SendingError
from tests.sending.world import mailbox

OLD = mailbox(name="old", from_address="lucia@old-site.com", from_name="Lucía Romero")
NEW = mailbox(name="new", from_address="pablo@site.com", from_name="Pablo «Ventas» Gómez",
              reply_to="equipo@site.com")
ONE_CLICK = SendingSettings(unsubscribe_url="https://site.com/u/{token}")

CASES = {
    "plain": ("Ana Pérez", "ana@diario.mx", "Datos de nómina", "Buen día:\n\nLe escribo de Site.\n", None),
    "no name": (None, "ana@diario.mx", "Hola", "Texto.\n", None),
    "quoted name": ('O\'Brien, "Jim"', "jim@paper.ie", "Payroll data", "Hi Jim,\n", None),
    "long unicode name": ("Ñandú " * 12, "ñandú@correo.es", "Asunto " * 20, "línea larga " * 40, None),
    "trailing spaces and =": ("Eva", "eva@norte.mx", "a = b", "x = 1   \n\ttab\r\nCRLF\n", None),
    "follow-up": ("Ana", "ana@diario.mx", "Re: Datos", "Seguimiento.\n", "<root123@old-site.com>"),
    "idna domain": ("Jörg", "jörg@bücher.de", "Daten", "Hallo,\n", None),
}


def stored(name: str | None, address: str, subject: str, text: str, root: str | None,
           sending: SendingSettings = ONE_CLICK) -> Stored:
    """A message as scheduling would have stored it for OLD."""
    message_id, token = new_message_id(OLD.own_domain)
    url = sending.unsubscribe_url.replace("{token}", token) if sending.unsubscribe_url else None
    made = compose(Draft(OLD.from_address, OLD.from_name, address, name, subject, text,
                         in_reply_to=root, unsubscribe_mailto=OLD.from_address, unsubscribe_url=url), message_id)
    return Stored(1, message_id, address, subject, root, made.content)


def without_sender_lines(content: bytes) -> bytes:
    parsed = message_from_bytes(content, policy=policy.compat32)
    for field in ("From", "Reply-To", "List-Unsubscribe", "List-Unsubscribe-Post"):
        del parsed[field]
    return parsed.as_bytes()


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_recomposing_for_the_same_mailbox_gives_the_stored_bytes(case: tuple) -> None:
    message = stored(*case)
    assert recompose(message, OLD, ONE_CLICK).content == message.content


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_another_mailbox_changes_only_the_sender_lines(case: tuple) -> None:
    message = stored(*case)
    made = recompose(message, NEW, ONE_CLICK)
    before, after = (message_from_bytes(content, policy=policy.default) for content in (message.content,
                                                                                        made.content))
    assert after["From"].addresses[0].addr_spec == "pablo@site.com"
    assert after["From"].addresses[0].display_name == "Pablo «Ventas» Gómez"
    assert after["Reply-To"] == "equipo@site.com" and before["Reply-To"] is None
    token = message.message_id.strip("<>").split("@")[0]
    assert after["List-Unsubscribe"] == (f"<https://site.com/u/{token}>, "
                                         "<mailto:pablo@site.com?subject=unsubscribe>")
    for field in ("Message-ID", "To", "Subject", "In-Reply-To", "References"):
        assert after[field] == before[field]
    assert after.get_content() == before.get_content()
    assert without_sender_lines(made.content) == without_sender_lines(message.content)


def test_a_market_s_own_unsubscribe_address_is_kept() -> None:
    sending = SendingSettings(unsubscribe_mailto="bajas@site.com")
    message = stored("Ana", "ana@diario.mx", "Hola", "Texto.\n", None, sending)
    made = message_from_bytes(recompose(message, NEW, sending).content, policy=policy.default)
    assert made["List-Unsubscribe"] == "<mailto:bajas@site.com?subject=unsubscribe>"


def refused(message: Stored) -> None:
    with pytest.raises(SendingError, match="#1"):
        recompose(message, NEW, ONE_CLICK)


def test_a_row_whose_subject_differs_from_its_bytes_is_refused() -> None:
    message = stored(*CASES["plain"])
    refused(Stored(1, message.message_id, message.recipient, "Otro asunto", None, message.content))


def test_a_row_whose_recipient_differs_from_its_bytes_is_refused() -> None:
    message = stored(*CASES["plain"])
    refused(Stored(1, message.message_id, "otra@diario.mx", message.subject, None, message.content))


def test_an_html_message_is_refused_rather_than_losing_its_html() -> None:
    message_id, _ = new_message_id(OLD.own_domain)
    made = compose(Draft(OLD.from_address, "", "ana@diario.mx", None, "Hola", "t", html="<p>t</p>"), message_id)
    refused(Stored(1, message_id, "ana@diario.mx", "Hola", None, made.content))


@pytest.mark.parametrize("content", [b"From: a@b.c\r\nTo: x@y.z", b"Subject: x\r\n\r\nbody"],
                         ids=["no body", "no To"])
def test_bytes_that_scheduling_never_makes_are_refused(content: bytes) -> None:
    refused(Stored(1, "<t@old-site.com>", "x@y.z", "x", None, content))


def test_varied_messages_come_back_byte_for_byte() -> None:
    pool = "aZ09 .,;:'\"\\()<>@!#ñüßé€漢 \t=?"
    rng = random.Random(7)
    for _ in range(400):
        name = "".join(rng.choice(pool) for _ in range(rng.randint(0, 90))) or None
        subject = "".join(rng.choice(pool.replace("\t", "")) for _ in range(rng.randint(1, 150))) or "x"
        text = "".join(rng.choice(pool + "\n\r") for _ in range(rng.randint(0, 400)))
        message = stored(name, "ana@diario.mx", subject, text, rng.choice([None, "<r@old-site.com>"]))
        assert recompose(message, OLD, ONE_CLICK).content == message.content
        assert without_sender_lines(recompose(message, NEW, ONE_CLICK).content) == \
            without_sender_lines(message.content)
