"""The generic engine end to end: determinism, forced links, thresholds, and what it reports."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.core.comparisons import Comparison, as_strings
from outreach.core.dedupe import cluster, components, field_agreement, random_pairs, same_key_pairs
from outreach.core.prospect_dedupe import cluster_columns, prospect_comparisons

NAMES = [f"{first} {last}" for first in ("Ana", "Luis", "Marta", "Jorge", "Inés", "Raúl", "Olga", "Iván")
         for last in ("García", "Pérez", "Ruiz", "Núñez", "Ortega", "Vidal", "Soto", "Lara")]
CITIES = ["Puebla", "León", "Mérida", "Toluca", "Oaxaca", "Colima", "Tepic", "Celaya"] * 8


def people(extra: list[tuple[str, str]]) -> list[Comparison]:
    """Sixty-four distinct people plus `extra` rows, compared on name and city."""
    rows = list(zip(NAMES, CITIES, strict=True)) + extra
    return [Comparison("name", as_strings([name for name, _ in rows])),
            Comparison("city", as_strings([city for _, city in rows]))]


def test_clustering_is_deterministic() -> None:
    extra = [("Ana Garcia", "Puebla"), ("Luis Perez", "León")]
    first, second = cluster(people(extra)), cluster(people(extra))
    assert first.labels.tolist() == second.labels.tolist()
    assert first.threshold == second.threshold


def test_copies_differing_in_case_and_accents_join_their_originals() -> None:
    result = cluster(people([("Ana Garcia", "Puebla"), ("MARTA RUIZ", "Merida")]))
    assert result.labels[64] == result.labels[0] and result.labels[65] == result.labels[2 * 8 + 2]
    assert result.cluster_count() == 2


def test_in_a_small_list_one_typo_and_a_common_city_are_not_enough() -> None:
    result = cluster(people([("Marta Ruis", "Mérida")]))
    assert result.cluster_count() == 0, "eight people share each city: weak evidence among 65 records"


def test_a_high_threshold_keeps_near_copies_apart() -> None:
    result = cluster(people([("Ana Garcia", "Puebla")]), threshold=0.999999)
    assert result.cluster_count() == 0 and not result.threshold_learnt


def test_same_keys_link_records_whatever_the_scores() -> None:
    comparisons = people([("Zoe Zamora", "Zacatecas")])
    same = [f"k{i}" for i in range(65)]
    same[64] = "k5"
    result = cluster(comparisons, threshold=1.0, same=same)
    assert result.labels[64] == 5 and result.labels[5] == 5


@pytest.mark.parametrize(("keys", "pairs"), [
    (["a", "b", "a", "a"], {(0, 2), (2, 3)}),
    (["a", "b", "c"], set()),
    ([], set()),
])
def test_same_key_pairs_chain_equal_keys(keys: list[str], pairs: set[tuple[int, int]]) -> None:
    left, right = same_key_pairs(keys)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == pairs


def test_random_pairs_are_reproducible() -> None:
    assert np.array_equal(random_pairs(5000, 100, seed=3)[1], random_pairs(5000, 100, seed=3)[1])
    assert not np.array_equal(random_pairs(5000, 100, seed=3)[1], random_pairs(5000, 100, seed=4)[1])


def test_long_chains_resolve_to_one_component() -> None:
    n = 1000
    left = np.arange(n - 1, dtype=np.int64)[::-1].copy()
    labels = components(n, left, left + 1)
    assert set(labels.tolist()) == {0}


def test_field_agreement_reads_plain_and_composite_comparisons() -> None:
    comparisons = prospect_comparisons(["a.mx", "a.mx"], ["A", "A"], ["Ana", "Ana"], ["", ""])
    levels = np.zeros((1, 3), dtype=np.uint8)
    levels[0] = [1, 1, 6]
    agreement = field_agreement(comparisons, np.array([0]), np.array([1]), levels)
    assert {name: values.tolist() for name, values in agreement.items()} == {
        "domain": [1], "outlet": [1], "contact": [1], "email": [6]}


def test_column_clustering_links_identical_identities() -> None:
    domains = ["a.mx", "a.mx", "b.mx"]
    result = cluster_columns(domains, ["A", "A", "B"], ["", "", ""], ["", "", ""], threshold=1.0)
    assert result.labels.tolist() == [0, 0, 2]
