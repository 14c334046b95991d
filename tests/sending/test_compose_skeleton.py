"""The skeleton composer writes exactly the bytes `compose` writes, and raises exactly its errors."""

from __future__ import annotations

import random
import sys

import pytest

from outreach.core.compose import Composed, Draft, compose, new_message_id
from outreach.core.compose_skeleton import Skeleton
from outreach.core.mime_safety import _SPACES, UNSAFE_IN_HEADER, fold_display_name
from outreach.errors import OutreachError

NAMES = [None, "", "Ana", "Ana Pérez", "  Ana   Pérez ", 'Ana "la jefa" Pérez', "O'Brien, Mary", "Zoë\u00a0Smith",
         "Wei\u3000Li", "Ana\r\nBcc: x@evil.com", "\u2028Renée", "A" * 90, "Ñ" * 60, "Søren (Press)", "日本 太郎",
         "back\\slash", "tab\there"]
SUBJECTS = ["Hola", "Datos para el número 7", "Re: Datos", "A" * 200, " ".join(["word"] * 40),
            "Über " * 30, "emoji 🎉 party", "日本語の件名" * 8, "", "trailing space ", "x" * 77 + " y"]
ADDRESSES = ["ana@diario.mx", "ana@bücher.de", "josé@diario.mx", "Ana.Pérez@例え.jp", "ed@MEDIO.Example.COM",
             "user+tag@sub.domain.org"]
BODIES = ["Hola:\n\nUn texto.\n", "línea con acentos y ñ\r\nsegunda\rtercera", "=" * 200, "From here\n.\n",
          "trailing   \n" * 3, "x" * 500, "", "日本語の本文\n" * 20]
SENDERS = [
    ("press@site.com", "Lucía Romero", None, "press@site.com", None),
    ("press@site.com", "", "prensa@site.com", "baja@site.com", "https://site.com/u/{token}"),
    ("prensa@sitio.es", "Sitio \"Prensa\"", None, None, "https://site.com/u/{token}?again={token}"),
    ("press@bücher.de", "Bücher", None, "baja@bücher.de", None),
]
BAD_SENDERS = [
    ("press@site.com", "Lucía", None, "baja@site.com", "https://site.com/u/{token} space"),
    ("press@site.com", "Lucía", None, "baja@site.com", "https://site.com/ü/{token}"),
    ("press@site.com", "Lucía", "reply\r\nBcc: x@evil.com", None, None),
    ("press\n@site.com", "Lucía", None, None, None),
    ("not-an-address", "Lucía", None, None, None),
    ("press@site.com", "Lucía", None, "baja@site.com", "https://site.com/TOKENMARK7Q/{token}"),
]


def reference(sender: tuple[str, str, str | None, str | None, str | None], address: str, name: str | None,
              subject: str, body: str, message_id: str, token: str, parent: str | None) -> Composed | str:
    """What `compose` makes of the draft, or the error it raises."""
    url = sender[4].replace("{token}", token) if sender[4] else None
    draft = Draft(sender[0], sender[1], address, name, subject, body, reply_to=sender[2], in_reply_to=parent,
                  unsubscribe_mailto=sender[3], unsubscribe_url=url)
    try:
        return compose(draft, message_id)
    except OutreachError as exc:
        return f"{type(exc).__name__}: {exc}"


def skeleton_made(skeleton: Skeleton, address: str, name: str | None, subject: str, body: str,
                  message_id: str, token: str, parent: str | None) -> Composed | str:
    """What the skeleton makes of the same message, or the error it raises."""
    try:
        return skeleton.compose(address, name, subject, body, message_id, token, parent)
    except OutreachError as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize(("sender", "shared"), [(sender, True) for sender in SENDERS]
                         + [(sender, False) for sender in BAD_SENDERS])
def test_skeleton_bytes_equal_compose_on_varied_messages(
        sender: tuple[str, str, str | None, str | None, str | None], shared: bool) -> None:
    skeleton = Skeleton(sender[0], sender[1], reply_to=sender[2], unsubscribe_mailto=sender[3],
                        unsubscribe_url=sender[4])
    assert (skeleton._tail is not None) is shared, "a sender with bad shared parts goes the reference way"
    chance = random.Random(7)
    for _ in range(300):
        message_id, token = new_message_id("site.com")
        parent = chance.choice([None, new_message_id("site.com")[0], "not-an-id", "<a@b>\r\nBcc: x"])
        case = (chance.choice(ADDRESSES), chance.choice(NAMES), chance.choice([*SUBJECTS, "bad\nsubject"]),
                chance.choice(BODIES), message_id, token, parent)
        assert skeleton_made(skeleton, *case) == reference(sender, *case), case


def test_a_token_that_is_not_hex_is_composed_the_reference_way() -> None:
    sender = SENDERS[1]
    skeleton = Skeleton(sender[0], sender[1], reply_to=sender[2], unsubscribe_mailto=sender[3],
                        unsubscribe_url=sender[4])
    message_id = new_message_id("site.com")[0]
    for token in ("with space", "ü", "a,b"):
        case = ("ana@diario.mx", "Ana", "Hola", "Texto", message_id, token, None)
        assert skeleton_made(skeleton, *case) == reference(sender, *case)


def test_display_name_folding_keeps_the_regex_result_for_every_character() -> None:
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:
            continue
        value = f"a{chr(point)}b c"
        expected = _SPACES.sub(" ", UNSAFE_IN_HEADER.sub(" ", value)).strip()
        assert fold_display_name(value) == expected, hex(point)
