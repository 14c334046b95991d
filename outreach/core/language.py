"""Offline language detection (py3langid's bundled model), restricted to a campaign's languages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import py3langid.langid as langid

MIN_CONFIDENCE = 0.6
"""Below this normalised probability a detection is treated as unknown."""

_MIN_LETTERS = 3

COMMON_LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl")
"""Languages text commonly leaks from, added to a campaign's own when checking what people wrote."""


@dataclass(frozen=True)
class Detection:
    """A detected language (ISO 639-1) with its normalised probability."""

    language: str
    confidence: float


@lru_cache(maxsize=8)
def _identifier(candidates: frozenset[str]) -> Any:
    """A langid identifier loaded once per candidate set (loading takes most of a second)."""
    model = Path(langid.__file__).parent / "data" / "model.npz.xz"
    identifier = langid.LanguageIdentifier.from_modelpath(model, norm_probs=True)
    known = [code for code in sorted(candidates) if code in identifier.nb_classes]
    if known:
        identifier.set_languages(known)
    return identifier


def detect_language(
    text: str, candidates: Iterable[str] = (), *, min_confidence: float = MIN_CONFIDENCE
) -> Detection | None:
    """The language of `text`, chosen among `candidates` (all languages when empty), or None."""
    if sum(char.isalpha() for char in text) < _MIN_LETTERS:
        return None
    language, probability = _identifier(frozenset(candidates)).classify(text)
    if float(probability) < min_confidence:
        return None
    return Detection(str(language), round(float(probability), 3))
