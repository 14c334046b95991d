"""Fuzzy dedupe for any records: blocking, rapidfuzz levels, Fellegi–Sunter by EM, connected clusters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from outreach.core.blocking import IntArray, candidate_pairs, key_codes, rank_of
from outreach.core.comparisons import EXACT, Compares, Composite, Levels
from outreach.core.fellegi_sunter import FloatArray, LevelMatrix, Model, Priors, fit, learnt_threshold
from outreach.core.hot_loops import gc_paused

COMPARE_CHUNK = 1 << 21
"""Pairs compared at a time: the temporary arrays of a chunk stay around a hundred megabytes."""

RANDOM_PAIRS = 300_000
"""Random record pairs sampled to learn how often non-matches agree (splink samples 1e6 by default;
the level priors make up for the smaller sample on rare levels)."""


@dataclass
class Clustering:
    """The result: a cluster label per record, the pairs that matched, and the model behind them."""

    labels: IntArray
    """Cluster of each record: the smallest record index in it (a record alone is its own cluster)."""
    left: IntArray
    right: IntArray
    probability: FloatArray
    levels: LevelMatrix
    """Comparison levels of each matched pair, one column per comparison."""
    threshold: float
    threshold_learnt: bool
    model: Model
    comparisons: list[Compares]
    candidates: int
    """Pairs scored after blocking."""
    agreement: dict[str, Levels]
    """Per field (parts of composites included), its level in each matched pair."""

    def matched_fields(self, pair: int) -> list[str]:
        """Fields that agreed exactly or closely in one matched pair."""
        return [name for name, levels in self.agreement.items() if EXACT <= levels[pair] <= 2]

    def cluster_count(self) -> int:
        """Clusters with more than one record."""
        sizes = np.bincount(self.labels)
        return int((sizes > 1).sum())


def cluster(comparisons: Sequence[Compares], *, threshold: float | None = None, seed: int = 0,
            same: Sequence[str] | None = None) -> Clustering:
    """Cluster the records the comparisons describe; `threshold` overrides the learnt one.

    Records with equal `same` keys are linked whatever their scores (exact duplicates by definition).
    """
    with gc_paused():
        return _cluster(list(comparisons), threshold, seed, same)


def _cluster(comparisons: list[Compares], threshold: float | None, seed: int,
             same: Sequence[str] | None) -> Clustering:
    """`cluster` itself."""
    n = len(comparisons[0].values)
    hint = rank_of(["\x1f".join(values) for values in zip(*(c.values.tolist() for c in comparisons),
                                                        strict=True)])
    keys = (key for comparison in comparisons for key in comparison.blocking_codes())
    left, right = candidate_pairs(keys, hint)
    levels = compare(comparisons, left, right)
    sample_left, sample_right = random_pairs(n, RANDOM_PAIRS, seed)
    priors = [Priors.of(comparison.level_names) for comparison in comparisons]
    model = fit(levels, compare(comparisons, sample_left, sample_right), priors, n * (n - 1) / 2)
    probability = model.probabilities(levels)
    cut = learnt_threshold(probability) if threshold is None else threshold
    keep = probability >= cut
    left, right, candidates = left[keep], right[keep], len(left)
    forced_left, forced_right = same_key_pairs(same) if same is not None else (left[:0], right[:0])
    labels = components(n, np.concatenate([left, forced_left]), np.concatenate([right, forced_right]))
    return Clustering(labels, left, right, probability[keep], levels[keep], cut,
                      threshold is None, model, comparisons, candidates,
                      field_agreement(comparisons, left, right, levels[keep]))


def field_agreement(comparisons: Sequence[Compares], left: IntArray, right: IntArray,
                    levels: LevelMatrix) -> dict[str, Levels]:
    """Each field's level in each pair: a composite's parts are looked at one by one."""
    agreement: dict[str, Levels] = {}
    for column, comparison in enumerate(comparisons):
        if isinstance(comparison, Composite):
            agreement.update(comparison.part_levels(left, right))
        else:
            agreement[comparison.name] = levels[:, column]
    return agreement


def same_key_pairs(keys: Sequence[str]) -> tuple[IntArray, IntArray]:
    """Pairs linking each record to the next one with the same key."""
    codes = key_codes(keys)
    order = np.argsort(codes, kind="stable")
    equal = codes[order][1:] == codes[order][:-1]
    return order[:-1][equal], order[1:][equal]


def compare(comparisons: Sequence[Compares], left: IntArray, right: IntArray) -> LevelMatrix:
    """The level matrix: one row per pair, one column per comparison (in chunks, to bound memory)."""
    levels = np.zeros((len(left), len(comparisons)), dtype=np.uint8)
    for start in range(0, len(left), COMPARE_CHUNK):
        stop = start + COMPARE_CHUNK
        for column, comparison in enumerate(comparisons):
            levels[start:stop, column] = comparison.levels(left[start:stop], right[start:stop])
    return levels


def random_pairs(n: int, count: int, seed: int) -> tuple[IntArray, IntArray]:
    """Up to `count` random pairs of distinct records (all pairs when there are fewer)."""
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    total = n * (n - 1) // 2
    if total <= count:
        left, right = np.triu_indices(n, k=1)
        return left.astype(np.int64), right.astype(np.int64)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=count, dtype=np.int64)
    offset = rng.integers(1, n, size=count, dtype=np.int64)
    return left, (left + offset) % n


def components(n: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected components of the match graph, each labelled by its smallest record index."""
    labels = np.arange(n, dtype=np.int64)
    if not len(left):
        return labels
    while True:
        before = labels.copy()
        low = np.minimum(labels[left], labels[right])
        np.minimum.at(labels, left, low)
        np.minimum.at(labels, right, low)
        labels = labels[labels]
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(before, labels):
            return labels
