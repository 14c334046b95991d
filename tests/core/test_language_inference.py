"""Detected languages: titles and link context in each campaign language, restricted to candidates."""

from __future__ import annotations

import pytest

from outreach.core.inference import MIN_DETECTION_LETTERS, SOURCE_STRENGTH, Evidence, infer

CAMPAIGN = frozenset({"es", "de", "en", "fr", "pt"})


@pytest.mark.parametrize(("text", "language"), [
    ("Cómo calcular la nómina de tu empresa paso a paso este año", "es"),
    ("Lohnabrechnung für kleine Unternehmen: was sich ändert", "de"),
    ("How small businesses can run payroll without an accountant", "en"),
    ("Comment gérer la paie de votre entreprise sans expert-comptable", "fr"),
    ("Como emitir nota fiscal eletrônica para pequenas empresas", "pt"),
])
def test_titles_are_detected_among_the_campaign_languages(text: str, language: str) -> None:
    found = infer(Evidence("site.com", text=text), CAMPAIGN)
    assert (found.language, found.language_source) == (language, "detected")


def test_english_is_always_a_candidate() -> None:
    found = infer(Evidence("site.com", text="How small businesses can run payroll on their own"),
                  frozenset({"es"}))
    assert found.language == "en"


def test_short_texts_are_not_guessed() -> None:
    short = "x" * (MIN_DETECTION_LETTERS - 1)
    assert infer(Evidence("site.com", text=short), CAMPAIGN).language is None


def test_stronger_evidence_beats_detection() -> None:
    text = "How small businesses can run payroll without an accountant"
    assert infer(Evidence("site.com", "/es/", text=text), CAMPAIGN).language_source == "path-hint"
    assert infer(Evidence("site.de", text=text), CAMPAIGN).language_source == "cctld"
    assert infer(Evidence("site.com", export_language="fr", text=text), CAMPAIGN).language == "fr"


def test_source_strengths_order_the_sources() -> None:
    assert sorted(SOURCE_STRENGTH, key=SOURCE_STRENGTH.__getitem__) == [
        "unknown", "detected", "path-hint", "export-language", "cctld", "explicit"]


def test_inference_is_remembered_per_site_without_text() -> None:
    evidence = Evidence("diario.com.mx")
    assert infer(evidence, CAMPAIGN) is infer(evidence, CAMPAIGN)
