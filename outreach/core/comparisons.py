"""How two records compare on one field: a similarity level per candidate pair, and blocking keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from outreach.core.blocking import IntArray, Keys

Levels = npt.NDArray[np.uint8]
Strings = npt.NDArray[np.object_]

MISSING, EXACT = 0, 1
"""Level 0 (a side is blank) never counts for or against a match; level 1 is exact agreement."""

_CHUNK = 1 << 20
_NOT_WORD = re.compile(r"[\W_]+")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\d?\.)?")


def fold_value(value: str | None) -> str:
    """Lower case, no accents, punctuation as single spaces: how fields are compared."""
    if not value:
        return ""
    text = value.casefold()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", _URL_PREFIX.sub("", text)).strip()


def sorted_tokens(value: str) -> str:
    """Tokens in alphabetical order, so `garcia ana` meets `ana garcia`."""
    return " ".join(sorted(value.split()))


def scored(scorer: Callable[..., Any], left: Strings, right: Strings, cutoff: float) -> npt.NDArray[np.float32]:
    """rapidfuzz similarity of each pair, in chunks, on every core; below `cutoff` reads as 0."""
    out = np.empty(len(left), dtype=np.float32)
    for start in range(0, len(left), _CHUNK):
        stop = start + _CHUNK
        out[start:stop] = process.cpdist(left[start:stop], right[start:stop], scorer=scorer,
                                         score_cutoff=cutoff, workers=-1, dtype=np.float32)
    return out


SIMILARITIES: dict[str, tuple[Callable[..., Any], float]] = {
    "jaro-winkler": (JaroWinkler.normalized_similarity, 1.0),
    "token-sort": (fuzz.token_sort_ratio, 100.0),
    "ratio": (fuzz.ratio, 100.0),
}
"""Similarity functions by name, with the score that means identical."""


def similarity(name: str, left: Strings, right: Strings, cutoff: float) -> npt.NDArray[np.float32]:
    """Similarity 0–1 of each pair by the named function; scores under `cutoff` read as 0."""
    scorer, scale = SIMILARITIES[name]
    return scored(scorer, left, right, cutoff * scale) / scale


def factorize(values: Sequence[str]) -> tuple[IntArray, Strings]:
    """An integer per value (0 for '', missing) and the distinct values by integer."""
    numbering: dict[str, int] = {"": 0}
    codes = np.fromiter((numbering.setdefault(value, len(numbering)) for value in values),
                        dtype=np.int64, count=len(values))
    distinct = np.empty(len(numbering), dtype=object)
    distinct[:] = list(numbering)
    return codes, distinct


@dataclass
class Comparison:
    """One field compared at levels: missing, exact, close, similar, different (and one-sided)."""

    name: str
    values: Strings
    """Folded values, '' where missing."""
    similarity: str = "jaro-winkler"
    thresholds: tuple[float, float] = (0.92, 0.80)
    one_sided: bool = False
    """Whether a value on one side only is evidence (a contact vs. none), not neutral."""
    variant: Strings | None = None
    """A second form of the value (a domain's name without suffix, an email's local part); equal
    variants count as `close`."""

    def __post_init__(self) -> None:
        self.codes, self.distinct = factorize(self.values.tolist())
        self.variant_codes = None if self.variant is None else factorize(self.variant.tolist())[0]

    @property
    def level_names(self) -> tuple[str, ...]:
        """Names of the levels, by index."""
        names = ("missing", "exact", "close", "similar", "different")
        return (*names, "one side only") if self.one_sided else names

    def levels(self, left: IntArray, right: IntArray) -> Levels:
        """The level of each pair (left[k], right[k])."""
        code_a, code_b = self.codes[left], self.codes[right]
        present_a, present_b = code_a != 0, code_b != 0
        out = np.full(len(left), MISSING, dtype=np.uint8)
        if self.one_sided:
            out[present_a ^ present_b] = 5
        both = present_a & present_b
        out[both & (code_a == code_b)] = EXACT
        index = np.flatnonzero(both & (code_a != code_b))
        out[index] = self._inexact_levels(left[index], right[index])
        return out

    def _inexact_levels(self, left: IntArray, right: IntArray) -> Levels:
        """Levels 2–4 (close, similar, different) for pairs whose values both exist and differ."""
        if not len(left):
            return np.empty(0, dtype=np.uint8)
        close, similar = self.thresholds
        score = self._similarity(self.codes[left], self.codes[right], similar)
        levels = np.where(score >= close, 2, np.where(score >= similar, 3, 4)).astype(np.uint8)
        if self.variant_codes is not None:
            variant_a, variant_b = self.variant_codes[left], self.variant_codes[right]
            levels[(levels > 2) & (variant_a == variant_b) & (variant_a != 0)] = 2
        return levels

    def _similarity(self, code_a: IntArray, code_b: IntArray, cutoff: float) -> npt.NDArray[np.float32]:
        """Similarity of each pair, computed once per distinct pair of values (codes repeat a lot)."""
        low, high = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
        packed, inverse = np.unique(low * len(self.distinct) + high, return_inverse=True)
        first, second = packed // len(self.distinct), packed % len(self.distinct)
        score = similarity(self.similarity, self.distinct[first], self.distinct[second], cutoff)
        return score[inverse]

    def blocking_keys(self) -> list[Keys]:
        """Keys under which records are compared: the value, its sorted tokens, its ends, its variant."""
        values: Sequence[str] = self.values.tolist()
        keys: list[Keys] = [[value or None for value in values]]
        tokens = [sorted_tokens(value) if " " in value else None for value in values]
        if any(tokens):
            keys.append(tokens)
        compact = [value.replace(" ", "") for value in values]
        keys.append([value[:5] if len(value) > 5 else None for value in compact])
        keys.append([value[-5:] if len(value) > 5 else None for value in compact])
        if self.variant is not None:
            keys.append([value or None for value in self.variant.tolist()])
        return keys


def as_strings(values: Sequence[str | None], fold: bool = True) -> Strings:
    """A numpy object array of folded strings ('' for missing), ready for fancy indexing."""
    folded = [fold_value(value) if fold else (value or "") for value in values]
    array = np.empty(len(folded), dtype=object)
    array[:] = folded
    return array
