"""How two records compare on one field: a similarity level per candidate pair, and blocking keys."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from outreach.core.blocking import BlockingCodes, BlockingKey, IntArray, Keys, key_codes

Levels = npt.NDArray[np.uint8]
Strings = npt.NDArray[np.object_]

KEY_WINDOWS = {"value": 6, "variant": 4, "tokens": 4, "token-prefixes": 2, "ends": 2, "variant-ends": 2}
"""Neighbours compared per key kind: fuzzier keys make bigger blocks of strangers, so fewer."""

MISSING, EXACT = 0, 1
"""Level 0 (a side is blank) never counts for or against a match; level 1 is exact agreement."""

_CHUNK = 1 << 20
_NOT_WORD = re.compile(r"[\W_]+")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\d?\.)?")


_COMBINING = {code: None for code in range(0x300, 0x370)} | {
    code: None for code in range(0x1AB0, 0x1B00)} | {code: None for code in range(0x1DC0, 0x1E00)}
"""Combining marks (the accents NFKD splits off), for str.translate."""


@lru_cache(maxsize=1 << 18)
def fold_value(value: str | None) -> str:
    """Lower case, no accents, punctuation as single spaces: how fields are compared."""
    if not value:
        return ""
    text = value.casefold()
    if text.isascii() and text.replace(" ", "").isalnum() and "  " not in text:
        return text.strip()  # already plain: skip the regular expressions (most names and outlets)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_COMBINING)
    return _NOT_WORD.sub(" ", _URL_PREFIX.sub("", text)).strip()


def sorted_tokens(value: str) -> str:
    """Tokens in alphabetical order, so `garcia ana` meets `ana garcia`."""
    return " ".join(sorted(value.split()))


def scored(scorer: Callable[..., Any], left: Strings, right: Strings,
           cutoff: float) -> npt.NDArray[np.float32]:
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
    """An integer per value (0 for '', missing) and the distinct values by integer, in order of first use."""
    firsts = dict.fromkeys(values)
    firsts.pop("", None)
    numbering = {"": 0}
    numbering.update(zip(firsts, itertools.count(1)))
    codes = np.fromiter(map(numbering.__getitem__, values), dtype=np.int64, count=len(values))
    distinct = np.empty(len(numbering), dtype=object)
    distinct[:] = list(numbering)
    return codes, distinct


class Compares(Protocol):
    """What dedupe needs of a comparison: a name, named levels, levels per pair, blocking keys."""

    name: str

    @property
    def values(self) -> Strings: ...

    @property
    def level_names(self) -> tuple[str, ...]: ...

    def levels(self, left: IntArray, right: IntArray) -> Levels: ...

    def blocking_keys(self) -> Iterator[BlockingKey]: ...

    def blocking_codes(self) -> Iterator[BlockingCodes]: ...


@dataclass
class Comparison:
    """One field compared at levels: missing, exact, close, similar, different (and one-sided)."""

    name: str
    values: Strings
    """Folded values, '' where missing."""
    similarity: str = "jaro-winkler"
    thresholds: tuple[float, float] = (0.92, 0.80)
    one_sided: bool = False
    """Whether blanks are evidence (a contact on one side only, or on neither), not neutral."""
    keys: tuple[str, ...] = ("value", "tokens", "ends")
    """Blocking key kinds: value, tokens, token-prefixes, ends, variant, variant-ends."""
    fuzzy_on_variant: bool = False
    """Measure similarity between variants (an email's local part) rather than whole values."""
    scope: Strings | None = None
    """Where near-agreement counts at all: an email's domain (the same local part at two outlets is
    two people or two prospects, not a typo); pairs in different scopes are `different`."""
    neutral_scopes: frozenset[str] = frozenset()
    """Scopes that say nothing when they differ (a free-mail address beside a work address)."""
    variant: Strings | None = None
    """A second form of the value (a domain's name without suffix, an email's local part); equal
    variants count as `close`."""

    def __post_init__(self) -> None:
        self.codes, self.distinct = factorize(self.values.tolist())
        self.variant_codes: IntArray | None = None
        self.fuzzy_codes, self.fuzzy_distinct = self.codes, self.distinct
        if self.variant is not None:
            variant_codes, variant_distinct = factorize(self.variant.tolist())
            self.variant_codes, self.variant_distinct = variant_codes, variant_distinct
            if self.fuzzy_on_variant:
                self.fuzzy_codes, self.fuzzy_distinct = variant_codes, variant_distinct
        self.scope_codes: IntArray | None = None
        self.neutral_codes: IntArray | None = None
        if self.scope is not None:
            self.scope_codes, scopes = factorize(self.scope.tolist())
            self.neutral_codes = np.flatnonzero(np.isin(scopes, list(self.neutral_scopes)))
        self.scorer = self.similarity
        if self.similarity == "token-sort":  # sort words once here; then plain ratio is token-sort
            self.fuzzy_distinct = as_strings([sorted_tokens(v) for v in self.fuzzy_distinct.tolist()], False)
            self.scorer = "ratio"

    @property
    def level_names(self) -> tuple[str, ...]:
        """Names of the levels, by index."""
        names = ("missing", "exact", "close", "similar", "different")
        return (*names, "one side only", "neither side") if self.one_sided else names

    def levels(self, left: IntArray, right: IntArray) -> Levels:
        """The level of each pair (left[k], right[k])."""
        code_a, code_b = self.codes[left], self.codes[right]
        present_a, present_b = code_a != 0, code_b != 0
        out = np.full(len(left), MISSING, dtype=np.uint8)
        if self.one_sided:
            out[present_a ^ present_b] = 5
            out[~present_a & ~present_b] = 6
        both = present_a & present_b
        out[both & (code_a == code_b)] = EXACT
        index = np.flatnonzero(both & (code_a != code_b))
        out[index] = self._inexact_levels(left[index], right[index])
        if self.scope_codes is not None and self.neutral_codes is not None and len(self.neutral_codes):
            scope_a, scope_b = self.scope_codes[left], self.scope_codes[right]
            neutral = np.isin(scope_a, self.neutral_codes) | np.isin(scope_b, self.neutral_codes)
            out[both & (scope_a != scope_b) & neutral] = MISSING
        return out

    def _inexact_levels(self, left: IntArray, right: IntArray) -> Levels:
        """Levels 2–4 (close, similar, different) for pairs whose values both exist and differ."""
        if not len(left):
            return np.empty(0, dtype=np.uint8)
        close, similar = self.thresholds
        score = self._similarity(self.fuzzy_codes[left], self.fuzzy_codes[right], similar)
        levels = np.where(score >= close, 2, np.where(score >= similar, 3, 4)).astype(np.uint8)
        if self.variant_codes is not None:
            variant_a, variant_b = self.variant_codes[left], self.variant_codes[right]
            levels[(levels > 2) & (variant_a == variant_b) & (variant_a != 0)] = 2
        if self.scope_codes is not None:
            levels[self.scope_codes[left] != self.scope_codes[right]] = 4
        return levels

    def _similarity(self, code_a: IntArray, code_b: IntArray, cutoff: float) -> npt.NDArray[np.float32]:
        """Similarity of each pair, computed once per distinct pair of values (codes repeat a lot)."""
        width = len(self.fuzzy_distinct)
        if width * width > 4 * len(code_a):  # many distinct values: pairs rarely repeat
            return similarity(self.scorer, self.fuzzy_distinct[code_a], self.fuzzy_distinct[code_b], cutoff)
        low, high = np.minimum(code_a, code_b), np.maximum(code_a, code_b)
        packed, inverse = np.unique(low * width + high, return_inverse=True)
        first, second = packed // width, packed % width
        score = similarity(self.scorer, self.fuzzy_distinct[first], self.fuzzy_distinct[second], cutoff)
        return score[inverse]

    def blocking_keys(self) -> Iterator[BlockingKey]:
        """Keys under which records are compared, of the kinds named in `keys`, with their windows.

        One kind at a time, so a million records never hold every kind of key at once.
        """
        for kind in self.keys:
            for keys in self._keys_of(kind):
                yield keys, KEY_WINDOWS[kind]

    def blocking_codes(self) -> Iterator[BlockingCodes]:
        """`blocking_keys` as codes: each distinct value's keys hashed once, then spread to its records."""
        for kind in self.keys:
            codes, per_value = self._distinct_key_sets(kind)
            for keys in per_value:
                yield key_codes(keys)[codes] if codes is not None else key_codes(keys), KEY_WINDOWS[kind]

    def _keys_of(self, kind: str) -> list[Keys]:
        """One kind of key for every record (`ends` gives two: a value's start and its end)."""
        codes, per_value = self._distinct_key_sets(kind)
        return per_value if codes is None else [_spread(keys, codes) for keys in per_value]

    def _distinct_key_sets(self, kind: str) -> tuple[IntArray | None, list[Keys]]:
        """Each record's value code, and one kind of key per distinct value (worked out once each)."""
        on_variant = kind.startswith("variant")
        codes = self.variant_codes if on_variant else self.codes
        if codes is None:
            return None, _distinct_keys(kind, [])
        distinct: list[str] = (self.variant_distinct if on_variant else self.distinct).tolist()
        return codes, _distinct_keys(kind, distinct)


def _distinct_keys(kind: str, values: list[str]) -> list[Keys]:
    """One kind of key for each of these values."""
    if kind in ("value", "variant"):
        return [[value or None for value in values]]
    if kind == "tokens":
        return [[sorted_tokens(value) if " " in value else None for value in values]]
    if kind == "token-prefixes":
        return [[_token_prefixes(value) for value in values]]
    if kind in ("ends", "variant-ends"):
        return _ends(values)
    raise ValueError(f"unknown blocking key kind '{kind}'")


def _spread(keys: Keys, codes: IntArray) -> Keys:
    """Per-value keys as per-record keys (records share the key objects, so their hashes are cached)."""
    table = np.empty(len(keys), dtype=object)
    table[:] = keys
    spread: list[str | None] = table[codes].tolist()
    return spread


def _ends(values: Sequence[str]) -> list[Keys]:
    """The first and the last five characters, so one typo leaves one of them intact."""
    compact = [value.replace(" ", "") for value in values]
    return [[value[:5] if len(value) > 6 else None for value in compact],
            [value[-5:] if len(value) > 6 else None for value in compact]]


def _token_prefixes(value: str) -> str | None:
    """The first four letters of each word, sorted: `Garcia Ana` and `Ana Garcai` meet."""
    words = value.split()
    return " ".join(sorted(word[:4] for word in words)) if len(words) > 1 else None


def as_strings(values: Sequence[str | None], fold: bool = True) -> Strings:
    """A numpy object array of folded strings ('' for missing), ready for fancy indexing."""
    folded = [fold_value(value) if fold else (value or "") for value in values]
    array = np.empty(len(folded), dtype=object)
    array[:] = folded
    return array


@dataclass
class Composite:
    """Two correlated comparisons read as one (domain with outlet name, contact with email).

    Fellegi–Sunter assumes comparisons are independent; a domain and its outlet name agree
    together, so counting both would double the evidence. `table[a, b]` maps the parts' levels
    to this comparison's level.
    """

    name: str
    parts: tuple[Comparison, Comparison]
    table: npt.NDArray[np.uint8]
    level_names: tuple[str, ...]

    @property
    def values(self) -> Strings:
        """The first part's values (used to order records for blocking)."""
        return self.parts[0].values

    def levels(self, left: IntArray, right: IntArray) -> Levels:
        """The combined level of each pair."""
        first, second = (part.levels(left, right) for part in self.parts)
        return self.table[first, second]

    def part_levels(self, left: IntArray, right: IntArray) -> list[tuple[str, Levels]]:
        """Each part's own levels, to say which fields agreed."""
        return [(part.name, part.levels(left, right)) for part in self.parts]

    def blocking_keys(self) -> Iterator[BlockingKey]:
        """Both parts' keys."""
        for part in self.parts:
            yield from part.blocking_keys()

    def blocking_codes(self) -> Iterator[BlockingCodes]:
        """Both parts' key codes."""
        for part in self.parts:
            yield from part.blocking_codes()
