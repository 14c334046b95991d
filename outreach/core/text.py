"""Text folding for matching people's words: no accents, no case, single spaces."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w€£]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: `¡Méx!` → `mex`."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NON_WORD.sub(" ", bare.casefold().replace("_", " ")).split())


def original_words(text: str) -> tuple[str, ...]:
    """The words of a text as written, split where `tokens` splits them."""
    return tuple(word for word in _NON_WORD.split(text.replace("_", " ")) if word)


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of a text."""
    return tuple(fold(text).split())


def ngrams(words: tuple[str, ...], longest: int) -> list[tuple[int, int, str]]:
    """Every run of 1..`longest` consecutive words as (start, end, joined text)."""
    runs = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + longest, len(words)) + 1):
            runs.append((start, end, " ".join(words[start:end])))
    return runs
