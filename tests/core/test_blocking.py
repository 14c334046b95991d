"""Blocking: hashed keys, windows over sorted keys, unique pairs, and the order hint."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.core.blocking import WINDOW, candidate_pairs, key_codes, rank_of, window_pairs


def as_pairs(codes: np.ndarray, n: int) -> set[tuple[int, int]]:
    """Pair codes back into (low, high) tuples."""
    return {(int(code // n), int(code % n)) for code in codes.tolist()}


def test_missing_keys_get_no_code_and_equal_keys_equal_codes() -> None:
    codes = key_codes(["a", None, "a", "b"])
    assert codes[1] == -1 and codes[0] == codes[2] != codes[3] and (codes[[0, 2, 3]] >= 0).all()


@pytest.mark.parametrize(("keys", "window", "expected"), [
    pytest.param(["x", "x", "x"], 8, {(0, 1), (0, 2), (1, 2)}, id="small-block-all-pairs"),
    pytest.param(["x", "y", "x", "y"], 8, {(0, 2), (1, 3)}, id="two-blocks"),
    pytest.param(["x", None, None, "x"], 8, {(0, 3)}, id="missing-never-pairs"),
    pytest.param(["x"] * 5, 1, {(0, 1), (1, 2), (2, 3), (3, 4)}, id="window-of-one"),
    pytest.param(["x"] * 5, 2, {(0, 1), (1, 2), (2, 3), (3, 4), (0, 2), (1, 3), (2, 4)}, id="window-of-two"),
    pytest.param(["a", "b", "c"], 8, set(), id="no-shared-keys"),
])
def test_window_pairs(keys: list[str | None], window: int, expected: set[tuple[int, int]]) -> None:
    n = len(keys)
    assert as_pairs(window_pairs(key_codes(keys), np.arange(n, dtype=np.int64), window), n) == expected


def test_the_order_hint_decides_neighbours_in_a_big_block() -> None:
    keys = ["x"] * 6
    hint = np.array([0, 5, 1, 4, 2, 3], dtype=np.int64)  # sorted: 0, 2, 4, 5, 3, 1
    pairs = as_pairs(window_pairs(key_codes(keys), hint, 1), 6)
    assert pairs == {(0, 2), (2, 4), (4, 5), (3, 5), (1, 3)}


def test_candidate_pairs_handle_tiny_inputs() -> None:
    for n in (0, 1):
        left, right = candidate_pairs([(["x"] * n, 8)], np.arange(n, dtype=np.int64))
        assert left.size == right.size == 0


def test_candidate_pairs_merge_keys_and_keep_low_before_high() -> None:
    keys = [(["a", "b", "a", "b"], 8), (["z", "z", None, None], 8)]
    left, right = candidate_pairs(keys, rank_of(["d", "c", "b", "a"]))
    assert sorted(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 3)]
    assert (left < right).all()


def test_rank_of_sorts_texts() -> None:
    assert rank_of(["b", "a", "c", "a"]).tolist() == [2, 0, 3, 1]


def test_cost_stays_linear_in_a_huge_block() -> None:
    n = 20_000
    left, _ = candidate_pairs([(["same"] * n, WINDOW)], np.arange(n, dtype=np.int64))
    assert len(left) <= n * WINDOW
