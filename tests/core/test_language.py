"""Language detection over short outreach texts, restricted to the campaign's languages."""

from __future__ import annotations

import pytest

from outreach.core.language import detect_language

CAMPAIGN = ("es", "pt", "en", "de", "fr")

TEXTS: dict[str, tuple[str, str | None]] = {
    "Spanish pitch": ("Hola Ana, vi tu artículo sobre nómina en línea para pymes.", "es"),
    "Spanish anchor": ("haz clic aquí", "es"),
    "Portuguese anchor": ("saiba mais", "pt"),
    "German anchor": ("hier klicken", "de"),
    "French anchor": ("cliquez ici", "fr"),
    "English sentence": ("Hi Ana, I read your piece on payroll software for small firms.", "en"),
    "too short": ("ok", None),
    "no letters": ("12345 %%", None),
}


@pytest.mark.parametrize("name", TEXTS)
def test_detects_campaign_languages(name: str) -> None:
    text, expected = TEXTS[name]
    found = detect_language(text, CAMPAIGN)
    assert (found.language if found else None) == expected


def test_candidates_restrict_the_answer() -> None:
    found = detect_language("Olá Ana, vi seu artigo sobre folha de pagamento.", ("es", "en"))
    assert found is not None and found.language == "es"


def test_low_confidence_is_unknown() -> None:
    assert detect_language("emissor de nota fiscal", CAMPAIGN, min_confidence=0.99) is None
