"""Candidate pairs for dedupe in near-linear time: records sharing a key, compared within a window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

Keys = Sequence[str | None]
"""One blocking key per record; None means the record has no key of this kind."""

IntArray = npt.NDArray[np.int64]

BlockingKey = tuple[Keys, int]
"""Keys of one kind for every record, and how many sorted neighbours each record is compared with."""

BlockingCodes = tuple[IntArray, int]
"""A blocking key already hashed by `key_codes`, with its window."""

WINDOW = 8
"""Each record is compared with at most this many neighbours per key, so cost stays linear."""


def key_codes(keys: Keys) -> IntArray:
    """A 64-bit hash per key (-1 for None); equal keys get equal codes within one run."""
    return np.fromiter((-1 if key is None else hash(key) & 0x7FFF_FFFF_FFFF_FFFF for key in keys),
                       dtype=np.int64, count=len(keys))


def window_pairs(codes: IntArray, order_hint: IntArray, window: int = WINDOW) -> IntArray:
    """Pairs (as i*n+j codes, i<j) of records with equal codes at most `window` apart.

    Records are sorted by code, then by `order_hint` (a rank putting similar records near each
    other), so a small block yields all its pairs and a huge one only each record's neighbours.
    """
    n = len(codes)
    order = np.lexsort((order_hint, codes))
    sorted_codes = codes[order]
    found: list[IntArray] = []
    for distance in range(1, min(window, n - 1) + 1):
        same = (sorted_codes[:-distance] == sorted_codes[distance:]) & (sorted_codes[distance:] >= 0)
        left, right = order[:-distance][same], order[distance:][same]
        if left.size:
            found.append(_pair_codes(left, right, n))
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _pair_codes(left: IntArray, right: IntArray, n: int) -> IntArray:
    """Encode pairs as low*n+high so duplicates from several keys collapse with np.unique."""
    low, high = np.minimum(left, right), np.maximum(left, right)
    return low.astype(np.int64) * n + high


def candidate_pairs(key_sets: Iterable[BlockingKey | BlockingCodes],
                    order_hint: IntArray) -> tuple[IntArray, IntArray]:
    """Unique candidate pairs (left, right) over every kind of key (given as keys or as their codes)."""
    n = len(order_hint)
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    codes = [window_pairs(keys if isinstance(keys, np.ndarray) else key_codes(keys), order_hint, window)
             for keys, window in key_sets]
    pairs = _distinct(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return pairs // n, pairs % n


def _distinct(values: IntArray) -> IntArray:
    """Sorted distinct values (a plain sort beats np.unique's hashing on large int arrays)."""
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def rank_of(texts: Sequence[str]) -> IntArray:
    """Each text's position in sorted order: the tie-break that puts similar records side by side."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    ranks = np.empty(len(texts), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(texts), dtype=np.int64)
    return ranks
