"""Unsubscribe replies in every campaign language; our own quoted opt-out line never counts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.mail_parse import read
from outreach.core.mail_text import PhraseList, fold, phrases
from outreach.core.unsubscribes import unsubscribe_request

MESSAGES = Path(__file__).parent / "messages"

UNSUBSCRIBES = {
    "unsub_es.eml": ("laura.mendez@diario-ejemplo.com.mx", "es", "denme de baja"),
    "unsub_de.eml": ("j.weber@ratgeber-beispiel.de", "de", "tragen sie mich aus"),
    "unsub_fr.eml": ("claire@magazine-exemple.fr", "fr", "me desinscrire"),
    "unsub_pt.eml": ("rafael@portal-exemplo.com.br", "pt", "me descadastre"),
    "unsub_en_subject.eml": ("priya.shah@money-example.co.uk", "en", "unsubscribe"),
}


@pytest.mark.parametrize("name", sorted(UNSUBSCRIBES))
def test_unsubscribe_requests_in_each_language(name: str) -> None:
    found = unsubscribe_request(read((MESSAGES / name).read_bytes())[1])
    assert found is not None
    assert (found.address, found.language, found.phrase) == UNSUBSCRIBES[name]


@pytest.mark.parametrize("name", sorted(path.name for path in MESSAGES.glob("reply_*.eml")))
def test_replies_quoting_our_opt_out_line_are_not_unsubscribes(name: str) -> None:
    assert unsubscribe_request(read((MESSAGES / name).read_bytes())[1]) is None


def test_phrases_match_whole_words_without_case_or_accents() -> None:
    table = PhraseList.build({"es": ["darme de baja"], "pt": ["não quero receber"]})
    assert table.find("Quisiera DARME DE BAJA, gracias") == ("es", "darme de baja")
    assert table.find("Nao quero receber mais") == ("pt", "nao quero receber")
    assert table.find("quiero darme de bajada") is None
    assert table.find("Quisiera darme de baja", ("pt",)) is None


def test_fold_drops_case_accents_and_extra_space() -> None:
    assert fold("  Désabonnez-MOI\u00a0 s’il vous plaît ") == "desabonnez-moi s'il vous plait"
    assert fold("Grüße aus der Straße") == "grusse aus der strasse"


def test_every_campaign_language_has_every_phrase_list(demo_dir: Path) -> None:
    table = phrases()
    raw = tomllib.loads((demo_dir / "outreach" / "data" / "mail_phrases.toml").read_text(encoding="utf-8"))
    for language in {*load_campaign(demo_dir).languages, "en"}:
        assert language in table.out_of_office.languages, language
        assert language in table.unsubscribe.languages, language
        assert language in raw["auto_subject"], language
