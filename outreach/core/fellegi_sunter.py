"""Fellegi–Sunter match weights learnt without labels: u from random pairs, m and the prior by EM.

Estimates are MAP rather than plain maximum likelihood: each level starts from a prior belief
(LEVEL_PRIORS, worth a few pairs) that large lists overwhelm and small lists lean on, so twenty
prospects are still deduped sensibly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from outreach.core.comparisons import EXACT, MISSING

FloatArray = npt.NDArray[np.float64]
LevelMatrix = npt.NDArray[np.uint8]

LEVEL_PRIORS: dict[str, tuple[float, float]] = {
    "missing": (0.05, 0.05),
    "exact": (0.70, 0.0005), "close": (0.15, 0.001), "similar": (0.05, 0.005), "different": (0.03, 0.9),
    "one side only": (0.002, 0.05), "neither side": (0.05, 0.05),
    "same domain": (0.75, 0.0005), "same domain, other outlet name": (0.05, 0.001),
    "similar domain and outlet": (0.1, 0.0005), "similar domain": (0.03, 0.002),
    "same outlet name, other domain": (0.04, 0.001), "different site": (0.03, 0.99),
}
"""Prior (m, u) of each named level: how often matches and non-matches show it, before any data."""

U_PRIOR_PAIRS = 200.0
"""How many random pairs the u prior is worth (1e6 sampled pairs drown it; 10 records do not)."""
M_PRIOR_PAIRS = 20.0
"""How many matching pairs the m prior is worth."""

_MAX_ITERATIONS = 200
_TOLERANCE = 1e-7
_MIN_SESSION_PAIRS = 50

MIN_THRESHOLD, MAX_THRESHOLD = 0.4, 0.95
"""Bounds on a learnt threshold: a list with no duplicates must not talk itself into weak matches."""


@dataclass(frozen=True)
class Priors:
    """Prior m and u of one comparison's levels."""

    m: FloatArray
    u: FloatArray

    @classmethod
    def of(cls, level_names: Sequence[str]) -> Priors:
        """Priors from level names (unknown names get a vague middle)."""
        pairs = [LEVEL_PRIORS.get(name, (0.05, 0.1)) for name in level_names]
        m = np.array([pair[0] for pair in pairs], dtype=np.float64)
        u = np.array([pair[1] for pair in pairs], dtype=np.float64)
        return cls(m / m.sum(), u / u.sum())


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


def level_frequencies(levels: LevelMatrix, priors: Sequence[Priors]) -> list[FloatArray]:
    """Share of each level per comparison among these pairs, pulled towards the u prior."""
    out = []
    for column, prior in enumerate(priors):
        counts = np.bincount(levels[:, column], minlength=len(prior.u)).astype(np.float64)
        out.append(_normalised(counts + U_PRIOR_PAIRS * prior.u))
    return out


def fit(candidate_levels: LevelMatrix, random_levels: LevelMatrix, priors: Sequence[Priors],
        total_pairs: float) -> Model:
    """u from random pairs; m by EM among pairs agreeing exactly on another comparison; the prior last.

    Like splink's training sessions: pairs that share a domain are mostly the same outlet, so there
    the EM separates same-contact from colleague, which fits the contact's m, and so on.
    """
    u = level_frequencies(random_levels, priors)
    m = _session_m(candidate_levels, u, priors)
    return Model(m, u, _prior(candidate_levels, m, u, total_pairs))


def _session_m(levels: LevelMatrix, u: list[FloatArray], priors: Sequence[Priors]) -> list[FloatArray]:
    """m per comparison, averaged over the sessions where it was free, weighted by expected matches."""
    sums = [M_PRIOR_PAIRS * prior.m for prior in priors]
    totals = np.full(len(priors), M_PRIOR_PAIRS)
    for blocked in range(len(priors)):
        subset = levels[levels[:, blocked] == EXACT]
        free = [column for column in range(len(priors)) if column != blocked]
        if len(subset) < _MIN_SESSION_PAIRS or not free:
            continue
        patterns, counts = distinct_patterns(subset[:, free], [len(priors[c].m) for c in free])
        m_free, matches = _em(patterns, counts.astype(np.float64), [u[c] for c in free],
                              [priors[c] for c in free])
        for column, m_column in zip(free, m_free, strict=True):
            sums[column] += matches * m_column
            totals[column] += matches
    return [sums[column] / totals[column] for column in range(len(priors))]


def _prior(levels: LevelMatrix, m: list[FloatArray], u: list[FloatArray], total_pairs: float) -> float:
    """The share of all record pairs that match: a fixed point of expected matches over all pairs."""
    patterns, counts = distinct_patterns(levels, [len(column) for column in m])
    prior = 1e-4
    for _ in range(_MAX_ITERATIONS):
        expected = float((counts * _posterior(patterns, m, u, prior)).sum())
        updated = float(np.clip(expected / max(total_pairs, 1.0), 1e-12, 0.5))
        if abs(updated - prior) <= _TOLERANCE * prior:
            return updated
        prior = updated
    return prior


def _em(patterns: LevelMatrix, counts: FloatArray, u_random: list[FloatArray],
        priors: Sequence[Priors]) -> tuple[list[FloatArray], float]:
    """Two-class EM within one session; returns m and the expected number of matches.

    The non-match class starts from the random-pair u but is re-estimated: within a session
    non-matches are not random (colleagues at one outlet share its domain).
    """
    m = [prior.m.copy() for prior in priors]
    u = [column.copy() for column in u_random]
    share = 0.5
    for _ in range(_MAX_ITERATIONS):
        weight = counts * _posterior(patterns, m, u, share)
        updated = float(np.clip(weight.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        m = _reestimate(patterns, weight, [M_PRIOR_PAIRS * prior.m for prior in priors])
        u = _reestimate(patterns, counts - weight, [U_PRIOR_PAIRS * column for column in u_random])
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


def _posterior(patterns: LevelMatrix, m: list[FloatArray], u: list[FloatArray], share: float) -> FloatArray:
    """P(match | pattern) under the current parameters (missing levels are neutral)."""
    log_odds = np.full(len(patterns), np.log(share / (1 - share)))
    for column, (m_column, u_column) in enumerate(zip(m, u, strict=True)):
        ratio = np.log(m_column / u_column)
        ratio[MISSING] = 0.0
        log_odds += ratio[patterns[:, column]]
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700))), dtype=np.float64)


def _reestimate(patterns: LevelMatrix, weight: FloatArray, pseudo: Sequence[FloatArray]) -> list[FloatArray]:
    """Level shares weighted by class membership, plus prior pseudo-counts."""
    return [_normalised(np.bincount(patterns[:, column], weights=weight, minlength=len(extra)) + extra)
            for column, extra in enumerate(pseudo)]


def _normalised(counts: FloatArray) -> FloatArray:
    """Counts as shares."""
    return np.asarray(counts / counts.sum(), dtype=np.float64)


def learnt_threshold(probabilities: FloatArray) -> float:
    """The cut that maximises the F1 the model itself expects (its probabilities taken as truth)."""
    if not len(probabilities):
        return 0.5
    ordered = np.sort(probabilities)[::-1]
    expected_true = np.cumsum(ordered)
    f1 = 2 * expected_true / (np.arange(1, len(ordered) + 1) + ordered.sum())
    best = int(np.argmax(f1))
    return float(np.clip(ordered[best], MIN_THRESHOLD, MAX_THRESHOLD))
