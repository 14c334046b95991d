"""Fellegi–Sunter details: priors, frequencies, patterns, weights, the prior fixed point, sessions."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.core.fellegi_sunter import (
    LEVEL_PRIORS,
    U_PRIOR_PAIRS,
    Model,
    Priors,
    distinct_patterns,
    fit,
    learnt_threshold,
    level_frequencies,
)

NAMES = ("missing", "exact", "close", "similar", "different")


def test_priors_come_from_level_names_and_sum_to_one() -> None:
    priors = Priors.of((*NAMES, "a level nobody named"))
    assert priors.m.sum() == pytest.approx(1) and priors.u.sum() == pytest.approx(1)
    assert priors.m[1] > priors.m[4] and priors.u[4] > priors.u[1]
    assert set(LEVEL_PRIORS) >= set(NAMES)


def test_frequencies_lean_on_the_prior_when_data_is_thin() -> None:
    prior = Priors.of(NAMES)
    thin = level_frequencies(np.array([[4]], dtype=np.uint8), [prior])[0]
    thick = level_frequencies(np.full((1_000_000, 1), 4, dtype=np.uint8), [prior])[0]
    assert thin == pytest.approx((prior.u * U_PRIOR_PAIRS + np.eye(5)[4]) / (U_PRIOR_PAIRS + 1))
    assert thick[4] > 0.9999


def test_patterns_round_trip() -> None:
    levels = np.array([[1, 4], [1, 4], [0, 2], [3, 1]], dtype=np.uint8)
    patterns, counts = distinct_patterns(levels, [5, 5])
    assert sorted(zip(map(tuple, patterns.tolist()), counts.tolist(), strict=True)) == [
        ((0, 2), 1), ((1, 4), 2), ((3, 1), 1)]


def test_empty_patterns() -> None:
    patterns, counts = distinct_patterns(np.zeros((0, 2), dtype=np.uint8), [5, 5])
    assert patterns.shape == (0, 2) and counts.size == 0


def test_missing_levels_weigh_nothing_and_agreement_raises_probability() -> None:
    model = Model([np.array([0.1, 0.7, 0.1, 0.05, 0.05])], [np.array([0.1, 0.001, 0.01, 0.1, 0.789])], 1e-3)
    assert model.weights()[0][0] == 0.0
    probabilities = model.probabilities(np.array([[1], [2], [3], [4], [0]], dtype=np.uint8))
    assert list(probabilities) == [*sorted(probabilities[:4], reverse=True), probabilities[4]]
    assert probabilities[4] == pytest.approx(1e-3)


def test_the_prior_grows_with_the_matches_among_candidates() -> None:
    rng = np.random.default_rng(1)
    priors = [Priors.of(NAMES)] * 3
    strangers = rng.choice(5, size=(20000, 3), p=[0, 0.001, 0.01, 0.05, 0.939]).astype(np.uint8)
    few = fit(np.vstack([np.ones((100, 3), np.uint8), strangers]), strangers, priors, 1e7)
    many = fit(np.vstack([np.ones((1000, 3), np.uint8), strangers]), strangers, priors, 1e7)
    assert few.prior == pytest.approx(100 / 1e7, rel=0.3)
    assert many.prior == pytest.approx(1000 / 1e7, rel=0.3)


def test_without_candidates_the_model_keeps_its_priors() -> None:
    priors = [Priors.of(NAMES)]
    model = fit(np.zeros((0, 1), np.uint8), np.full((10, 1), 4, np.uint8), priors, 45)
    assert np.allclose(model.m[0], priors[0].m)
    assert model.prior == pytest.approx(1e-12)


@pytest.mark.parametrize(("probabilities", "expected"), [
    ([0.99, 0.98, 0.97, 0.1, 0.05], 0.95),
    ([0.9, 0.8, 0.6, 0.55, 0.3, 0.2], 0.55),
    ([0.5], 0.5),
])
def test_learnt_threshold_cases(probabilities: list[float], expected: float) -> None:
    assert learnt_threshold(np.array(probabilities)) == pytest.approx(expected)
