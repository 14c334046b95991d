"""Fellegi–Sunter match weights learnt without labels: u from random pairs, m and the prior by EM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from outreach.core.comparisons import EXACT, MISSING

FloatArray = npt.NDArray[np.float64]
LevelMatrix = npt.NDArray[np.uint8]

_SMOOTHING = 0.5
_MAX_ITERATIONS = 200
_TOLERANCE = 1e-7
_MIN_SESSION_PAIRS = 50

MIN_THRESHOLD, MAX_THRESHOLD = 0.4, 0.95
"""Bounds on a learnt threshold: a list with no duplicates must not talk itself into weak matches."""


@dataclass(frozen=True)
class Model:
    """m and u per comparison level, and the prior that two random records match."""

    m: list[FloatArray]
    u: list[FloatArray]
    prior: float
    """Probability that two records drawn at random are the same entity."""

    def weights(self) -> list[FloatArray]:
        """log2(m/u) per level; the missing level weighs nothing."""
        out = []
        for m, u in zip(self.m, self.u, strict=True):
            weight = np.log2(m / u)
            weight[MISSING] = 0.0
            out.append(weight)
        return out

    def probabilities(self, levels: LevelMatrix) -> FloatArray:
        """Posterior match probability of each pair, from its row of levels."""
        score = np.full(len(levels), np.log2(self.prior / (1.0 - self.prior)))
        for column, weight in enumerate(self.weights()):
            score += weight[levels[:, column]]
        return np.asarray(1.0 / (1.0 + np.exp2(-score)), dtype=np.float64)


def level_frequencies(levels: LevelMatrix, sizes: Sequence[int]) -> list[FloatArray]:
    """Share of each level per comparison (smoothed so no level is impossible)."""
    out = []
    for column, size in enumerate(sizes):
        counts = np.bincount(levels[:, column], minlength=size).astype(np.float64) + _SMOOTHING
        out.append(np.asarray(counts / counts.sum(), dtype=np.float64))
    return out


def fit(candidate_levels: LevelMatrix, random_levels: LevelMatrix, sizes: Sequence[int],
        total_pairs: float) -> Model:
    """u from random pairs; m by EM among pairs agreeing exactly on another comparison; the prior last.

    Like splink's training sessions: pairs that share a domain are mostly the same outlet, so there
    the EM separates same-contact from colleague, which fits the contact's m, and so on.
    """
    u = level_frequencies(random_levels, sizes)
    m = _session_m(candidate_levels, u, sizes)
    return Model(m, u, _prior(candidate_levels, m, u, sizes, total_pairs))


def _session_m(levels: LevelMatrix, u: list[FloatArray], sizes: Sequence[int]) -> list[FloatArray]:
    """m per comparison, averaged over the sessions where it was free, weighted by expected matches."""
    sums = [np.zeros(size) for size in sizes]
    totals = np.zeros(len(sizes))
    for blocked in range(len(sizes)):
        subset = levels[levels[:, blocked] == EXACT]
        free = [column for column in range(len(sizes)) if column != blocked]
        if len(subset) < _MIN_SESSION_PAIRS or not free:
            continue
        free_sizes = [sizes[column] for column in free]
        patterns, counts = distinct_patterns(subset[:, free], free_sizes)
        m_free, matches = _em_fixed_u(patterns, counts.astype(np.float64), [u[c] for c in free], free_sizes)
        for column, m_column in zip(free, m_free, strict=True):
            sums[column] += matches * m_column
            totals[column] += matches
    return [sums[c] / totals[c] if totals[c] > 0 else _initial_m(size) for c, size in enumerate(sizes)]


def _prior(levels: LevelMatrix, m: list[FloatArray], u: list[FloatArray], sizes: Sequence[int],
           total_pairs: float) -> float:
    """The share of all record pairs that match: a fixed point of expected matches over all pairs."""
    patterns, counts = distinct_patterns(levels, sizes)
    prior = 1e-4
    for _ in range(_MAX_ITERATIONS):
        expected = float((counts * _posterior(patterns, m, u, prior)).sum())
        updated = float(np.clip(expected / max(total_pairs, 1.0), 1e-12, 0.5))
        if abs(updated - prior) <= _TOLERANCE * prior:
            return updated
        prior = updated
    return prior


def _em_fixed_u(patterns: LevelMatrix, counts: FloatArray, u: list[FloatArray],
                sizes: Sequence[int]) -> tuple[list[FloatArray], float]:
    """EM for m and the match share with u held fixed; returns m and the expected number of matches.

    It starts from the smallest match share the observed levels allow (non-matches explain all
    they can). With one free comparison the likelihood is flat above that share, so EM stays
    there instead of drifting into calling colleagues at one outlet the same person.
    """
    m = [_initial_m(size) for size in sizes]
    share = 0.5
    for _ in range(_MAX_ITERATIONS):
        weight = counts * _posterior(patterns, m, u, share)
        updated = float(np.clip(weight.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        m = _reestimate(patterns, weight, sizes)
        u = _reestimate(patterns, counts - weight, sizes)
        converged = abs(updated - share) < _TOLERANCE
        share = updated
        if converged:
            break
    return m, share * float(counts.sum())


def distinct_patterns(levels: LevelMatrix, sizes: Sequence[int]) -> tuple[LevelMatrix, npt.NDArray[np.int64]]:
    """The distinct rows of a level matrix and how often each occurs (rows packed into one integer)."""
    radix = np.cumprod([1, *sizes[:-1]], dtype=np.int64)
    packed = levels.astype(np.int64) @ radix if len(levels) else np.empty(0, dtype=np.int64)
    codes, counts = np.unique(packed, return_counts=True)
    patterns = (codes[:, None] // radix[None, :]) % np.asarray(sizes, dtype=np.int64)[None, :]
    return patterns.astype(np.uint8), counts


def _smallest_share_start(patterns: LevelMatrix, counts: FloatArray, u: list[FloatArray],
                          sizes: Sequence[int]) -> tuple[list[FloatArray], float]:
    """m and share such that observed = share·m + (1−share)·u with the smallest feasible share."""
    observed = _reestimate(patterns, counts, sizes)
    share = 1e-3
    for seen, expected in zip(observed, u, strict=True):
        informative = np.arange(len(seen)) != MISSING
        share = max(share, 1.0 - float(np.min(seen[informative] / expected[informative])))
    share = min(share + 1e-3, 0.999)
    m = []
    for seen, expected in zip(observed, u, strict=True):
        residual = np.clip(seen - (1.0 - share) * expected, 1e-6, None)
        m.append(residual / residual.sum())
    return m, share


def _initial_m(size: int) -> FloatArray:
    """A starting m that favours agreement: level 1 (exact) most likely, later levels less and less."""
    start = np.array([1.0, 8.0, 2.0, 1.0, *([0.3] * max(size - 4, 0))][:size])
    return np.asarray(start / start.sum(), dtype=np.float64)


def _posterior(patterns: LevelMatrix, m: list[FloatArray], u: list[FloatArray], share: float) -> FloatArray:
    """P(match | pattern) under the current parameters (missing levels are neutral)."""
    log_odds = np.full(len(patterns), np.log(share / (1 - share)))
    for column, (m_column, u_column) in enumerate(zip(m, u, strict=True)):
        ratio = np.log(m_column / u_column)
        ratio[MISSING] = 0.0
        log_odds += ratio[patterns[:, column]]
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700))), dtype=np.float64)


def _reestimate(patterns: LevelMatrix, weight: FloatArray, sizes: Sequence[int]) -> list[FloatArray]:
    """Level shares weighted by class membership, smoothed."""
    out = []
    for column, size in enumerate(sizes):
        counts = np.bincount(patterns[:, column], weights=weight, minlength=size) + _SMOOTHING
        out.append(counts / counts.sum())
    return out


def learnt_threshold(probabilities: FloatArray) -> float:
    """The cut that maximises the F1 the model itself expects (its probabilities taken as truth)."""
    if not len(probabilities):
        return 0.5
    ordered = np.sort(probabilities)[::-1]
    expected_true = np.cumsum(ordered)
    f1 = 2 * expected_true / (np.arange(1, len(ordered) + 1) + ordered.sum())
    best = int(np.argmax(f1))
    return float(np.clip(ordered[best], MIN_THRESHOLD, MAX_THRESHOLD))
