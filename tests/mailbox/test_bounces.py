"""DSNs (RFC 3464) in Postfix, Exchange and Gmail shapes, and free-text bounces: hard or soft, who, which code."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.bounces import is_hard, parse_bounce
from outreach.core.mail_parse import parse_bytes

MESSAGES = Path(__file__).parent / "messages"

BOUNCES = {
    # file: (recipient, status, hard, original Message-ID, shape)
    "dsn_postfix_hard.eml": ("ghost@diario-ejemplo.com.mx", "5.1.1", True,
                             "<pitch-es-mx-2.outreach@agency.test>", "rfc3464"),
    "dsn_postfix_delayed.eml": ("redaccion@revista-ejemplo.com.ar", "4.4.1", False,
                                "<pitch-es-ar-2.outreach@agency.test>", "rfc3464"),
    "dsn_exchange_hard.eml": ("redaktion@zeitung-beispiel.de", "5.1.10", True,
                              "<pitch-de-de-3.outreach@agency.test>", "rfc3464"),
    "dsn_gmail_hard.eml": ("nobody.here.42@gmail.com", "5.1.1", True,
                           "<pitch-en-gb-3.outreach@agency.test>", "rfc3464"),
    "dsn_gmail_over_quota.eml": ("full.inbox@gmail.com", "4.2.2", False,
                                 "<pitch-en-gb-4.outreach@agency.test>", "rfc3464"),
    "dsn_policy_block.eml": ("jornal@jornal-exemplo.com.br", "5.7.1", False, None, "rfc3464"),
    "bounce_qmail.eml": ("ninguem@portal-exemplo.com.br", "5.1.1", True,
                         "<pitch-pt-br-2.outreach@agency.test>", "qmail"),
    "bounce_exchange_text.eml": ("niemand@zeitung-beispiel.de", "5.1.1", True,
                                 "<pitch-de-de-4.outreach@agency.test>", "exchange"),
}


@pytest.mark.parametrize("name", sorted(BOUNCES))
def test_each_bounce_shape_gives_recipient_status_and_kind(name: str) -> None:
    recipient, status, hard, original, shape = BOUNCES[name]
    bounces = parse_bounce(parse_bytes((MESSAGES / name).read_bytes()))
    assert bounces is not None and len(bounces) == 1
    bounce = bounces[0]
    assert (bounce.recipient, bounce.status, bounce.hard, bounce.original_message_id, bounce.shape) == (
        recipient, status, hard, original, shape)
    assert bounce.kind == ("hard" if hard else "soft")
    assert bounce.diagnostic


def test_the_qmail_copy_of_our_message_names_no_extra_recipient() -> None:
    bounces = parse_bounce(parse_bytes((MESSAGES / "bounce_qmail.eml").read_bytes()))
    assert [bounce.recipient for bounce in bounces or []] == ["ninguem@portal-exemplo.com.br"]


def test_replies_are_not_bounces() -> None:
    for path in MESSAGES.glob("reply_*.eml"):
        assert parse_bounce(parse_bytes(path.read_bytes())) is None, path.name
    for path in MESSAGES.glob("auto_*.eml"):
        assert parse_bounce(parse_bytes(path.read_bytes())) is None, path.name


def test_a_report_of_delivered_recipients_lists_no_failure() -> None:
    raw = (MESSAGES / "dsn_postfix_hard.eml").read_bytes().replace(b"Action: failed", b"Action: delivered")
    assert parse_bounce(parse_bytes(raw)) == []


def test_a_report_with_two_recipients_lists_both() -> None:
    raw = (MESSAGES / "dsn_postfix_hard.eml").read_bytes()
    block = (b"Final-Recipient: rfc822; ghost@diario-ejemplo.com.mx\r\nOriginal-Recipient: rfc822;"
             b"ghost@diario-ejemplo.com.mx\r\n")
    second = (b"Final-Recipient: rfc822; lleno@diario-ejemplo.com.mx\r\nAction: failed\r\nStatus: 5.2.2\r\n"
              b"Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\r\n\r\n")
    bounces = parse_bounce(parse_bytes(raw.replace(block, second + block)))
    assert [(b.recipient, b.status, b.hard) for b in bounces or []] == [
        ("lleno@diario-ejemplo.com.mx", "5.2.2", False), ("ghost@diario-ejemplo.com.mx", "5.1.1", True)]


@pytest.mark.parametrize(("status", "diagnostic", "hard"), [
    ("5.1.1", "", True), ("5.1.10", "", True), ("5.0.0", "user unknown", True), ("550", "no such user", True),
    ("4.2.2", "", False), ("5.2.2", "", False), ("5.7.1", "spam", False), ("5.0.0", "mailbox full", False),
    ("552", "exceeded storage", False), ("554", "blocked by policy", False),
])
def test_hard_means_the_address_itself_is_bad(status: str, diagnostic: str, hard: bool) -> None:
    assert is_hard(status, diagnostic) is hard


@pytest.mark.parametrize(("name", "said"), [
    ("bounce_qmail.eml", "Sorry, no mailbox here by that name. (#5.1.1)"),
    ("bounce_exchange_text.eml", "mx.zeitung-beispiel.de #550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"),
])
def test_free_text_bounces_keep_the_line_with_the_code(name: str, said: str) -> None:
    [bounce] = parse_bounce(parse_bytes((MESSAGES / name).read_bytes())) or []
    assert bounce.diagnostic == said
