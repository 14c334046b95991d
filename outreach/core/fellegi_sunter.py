"""Fellegi–Sunter match weights learnt without labels: u from random pairs, m and the prior by EM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from outreach.core.comparisons import MISSING

FloatArray = npt.NDArray[np.float64]
LevelMatrix = npt.NDArray[np.uint8]

_SMOOTHING = 0.5
_MAX_ITERATIONS = 200
_TOLERANCE = 1e-7


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
        return 1.0 / (1.0 + np.exp2(-score))


def level_frequencies(levels: LevelMatrix, sizes: Sequence[int]) -> list[FloatArray]:
    """Share of each level per comparison (smoothed so no level is impossible)."""
    out = []
    for column, size in enumerate(sizes):
        counts = np.bincount(levels[:, column], minlength=size).astype(np.float64) + _SMOOTHING
        out.append(counts / counts.sum())
    return out


def fit(candidate_levels: LevelMatrix, random_levels: LevelMatrix, sizes: Sequence[int],
        total_pairs: float) -> Model:
    """u from random pairs; m and the match share among candidates by EM; the prior scaled to all pairs."""
    u = level_frequencies(random_levels, sizes)
    patterns, counts = distinct_patterns(candidate_levels, sizes)
    m, share = _expectation_maximisation(patterns, counts.astype(np.float64), u, sizes)
    expected_matches = share * len(candidate_levels)
    prior = float(np.clip(expected_matches / max(total_pairs, 1.0), 1e-12, 0.5))
    return Model(m, u, prior)


def distinct_patterns(levels: LevelMatrix, sizes: Sequence[int]) -> tuple[LevelMatrix, npt.NDArray[np.int64]]:
    """The distinct rows of a level matrix and how often each occurs (rows packed into one integer)."""
    radix = np.cumprod([1, *sizes[:-1]], dtype=np.int64)
    packed = levels.astype(np.int64) @ radix if len(levels) else np.empty(0, dtype=np.int64)
    codes, counts = np.unique(packed, return_counts=True)
    patterns = (codes[:, None] // radix[None, :]) % np.asarray(sizes, dtype=np.int64)[None, :]
    return patterns.astype(np.uint8), counts


def _expectation_maximisation(patterns: LevelMatrix, counts: FloatArray, u_random: list[FloatArray],
                              sizes: Sequence[int]) -> tuple[list[FloatArray], float]:
    """Two-class EM over distinct level patterns: m and u among candidates, and the match share."""
    m = [_initial_m(size) for size in sizes]
    u = [frequencies.copy() for frequencies in u_random]
    share = 0.1
    for _ in range(_MAX_ITERATIONS):
        posterior = _posterior(patterns, m, u, share)
        weight = counts * posterior
        new_share = float(np.clip(weight.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        m = _reestimate(patterns, weight, sizes)
        u = _reestimate(patterns, counts - weight, sizes)
        converged = abs(new_share - share) < _TOLERANCE
        share = new_share
        if converged:
            break
    return m, share


def _initial_m(size: int) -> FloatArray:
    """A starting m that favours agreement: exact most likely, then close, similar, different."""
    start = np.array([1.0, 8.0, 2.0, 1.0, 0.3, 0.3][:size])
    return start / start.sum()


def _posterior(patterns: LevelMatrix, m: list[FloatArray], u: list[FloatArray], share: float) -> FloatArray:
    """P(match | pattern) under the current parameters (missing levels are neutral)."""
    log_odds = np.full(len(patterns), np.log(share / (1 - share)))
    for column, (m_column, u_column) in enumerate(zip(m, u, strict=True)):
        ratio = np.log(m_column / u_column)
        ratio[MISSING] = 0.0
        log_odds += ratio[patterns[:, column]]
    return 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))


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
    return float(np.clip(ordered[best], 0.05, 0.95))
