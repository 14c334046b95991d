"""Comparison levels and blocking keys, field by field, and the composite site comparison."""

from __future__ import annotations

import numpy as np
import pytest

from outreach.core.comparisons import (
    KEY_WINDOWS,
    Comparison,
    Composite,
    as_strings,
    factorize,
    fold_value,
    similarity,
    sorted_tokens,
)
from outreach.core.prospect_dedupe import PERSON_LEVELS, SITE_LEVELS, prospect_comparisons

FIRST, SECOND = np.array([0]), np.array([1])


def level(comparison: Comparison | Composite) -> int:
    """The level of the pair (record 0, record 1)."""
    return int(comparison.levels(FIRST, SECOND)[0])


@pytest.mark.parametrize(("value", "folded"), [
    ("", ""), (None, ""), ("Ana", "ana"), ("  Ana  García ", "ana garcia"), ("http://www.Site.com/x",
                                                                             "site com x"),
    ("https://www2.site.mx", "site mx"), ("O'Brien & Co.", "o brien co"), ("ÑANDÚ", "nandu"), ("a_b-c",
                                                                                               "a b c"),
])
def test_folding(value: str | None, folded: str) -> None:
    assert fold_value(value) == folded


@pytest.mark.parametrize(("value", "tokens"), [("garcia ana", "ana garcia"), ("ana", "ana"), ("b a c",
                                                                                              "a b c")])
def test_sorted_tokens(value: str, tokens: str) -> None:
    assert sorted_tokens(value) == tokens


def test_factorize_gives_zero_to_missing_and_one_code_per_value() -> None:
    codes, distinct = factorize(["x", "", "y", "x"])
    assert codes.tolist() == [1, 0, 2, 1]
    assert distinct.tolist() == ["", "x", "y"]


@pytest.mark.parametrize(("name", "a", "b", "expected"), [
    ("jaro-winkler", "martha", "marhta", 0.961),
    ("ratio", "diario", "diaro", 0.909),
    ("token-sort", "ana garcia", "garcia ana", 1.0),
])
def test_similarities(name: str, a: str, b: str, expected: float) -> None:
    score = similarity(name, as_strings([a], False), as_strings([b], False), 0.0)
    assert score[0] == pytest.approx(expected, abs=0.001)


def test_scores_below_the_cutoff_read_as_zero() -> None:
    assert similarity("ratio", as_strings(["abc"], False), as_strings(["xyz"], False), 0.5)[0] == 0.0


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("Ana", "Ana", 1), ("ana", "ANA", 1), ("Martha", "Marhta", 2), ("Martha", "Marta", 2), ("Dwayne",
                                                                                            "Duane", 3),
    ("Ana", "Luis", 4), ("", "Ana", 0), ("", "", 0),
])
def test_jaro_winkler_levels(a: str, b: str, expected: int) -> None:
    assert level(Comparison("name", as_strings([a, b]))) == expected


def test_one_sided_comparisons_tell_one_blank_from_two() -> None:
    assert level(Comparison("c", as_strings(["", "Ana"]), one_sided=True)) == 5
    assert level(Comparison("c", as_strings(["", ""]), one_sided=True)) == 6
    assert Comparison("c", as_strings([""]), one_sided=True).level_names[5:] == ("one side only",
                                                                                 "neither side")


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("ana@diario.mx", "ana@diario.mx", 1),
    ("ana@diario.mx", "ana@revista.mx", 4),
    ("ana.garcia@diario.mx", "ana.garcias@diario.mx", 2),
    ("ana.garcia@diario.mx", "ana.garcai@diario.mx", 3),
    ("ana.garcia@diario.mx", "luis@diario.mx", 4),
    ("ana.garcia@diario.mx", "ana.garcia71@gmail.com", 0),
    ("", "ana@diario.mx", 0),
])
def test_email_levels_are_scoped_to_one_domain(a: str, b: str, expected: int) -> None:
    email = prospect_comparisons(["x.mx", "x.mx"], ["", ""], ["", ""], [a, b])[2]
    assert level(email) == expected


@pytest.mark.parametrize(("domains", "outlets", "expected"), [
    (("diario.mx", "diario.mx"), ("Diario", "Diario S.A."), "same domain"),
    (("diario.mx", "diario.mx"), ("Diario", "Revista"), "same domain, other outlet name"),
    (("diario.mx", "diario.com.mx"), ("Diario", "Diario"), "similar domain and outlet"),
    (("diario.mx", "diaro.mx"), ("Diario", "Otra Cosa"), "similar domain"),
    (("diario.mx", "elnorte.mx"), ("El Norte", "El Norte"), "same outlet name, other domain"),
    (("diario.mx", "elnorte.mx"), ("Diario", "El Norte"), "different site"),
])
def test_site_levels_read_domain_and_outlet_together(domains: tuple[str, str], outlets: tuple[str, str],
                                                    expected: str) -> None:
    site = prospect_comparisons(list(domains), list(outlets), ["", ""], ["", ""])[0]
    assert SITE_LEVELS[level(site)] == expected


def test_person_levels_name_every_case() -> None:
    assert len(PERSON_LEVELS) == 6 and PERSON_LEVELS[1] == "same email"


def test_composites_report_their_parts() -> None:
    site = prospect_comparisons(["diario.mx", "diario.mx"], ["Diario", "Revista"], ["", ""], ["", ""])[0]
    assert isinstance(site, Composite)
    assert [(name, levels.tolist()) for name, levels in site.part_levels(FIRST, SECOND)] == [
        ("domain", [1]), ("outlet", [4])]
    assert len(list(site.blocking_keys())) == 4, "domain stem, its two ends, outlet name"


@pytest.mark.parametrize(("keys", "values", "expected"), [
    (("value",), ["ana garcia", ""], [["ana garcia", None]]),
    (("tokens",), ["garcia ana", "ana"], [["ana garcia", None]]),
    (("token-prefixes",), ["garcia anabel", "ana"], [["anab garc", None]]),
    (("ends",), ["diariodelsur", "diario"], [["diari", None], ["elsur", None]]),
])
def test_blocking_key_kinds(keys: tuple[str, ...], values: list[str],
                            expected: list[list[str | None]]) -> None:
    comparison = Comparison("f", as_strings(values, False), keys=keys)
    made = list(comparison.blocking_keys())
    assert [list(key) for key, _ in made] == expected
    assert all(window == KEY_WINDOWS[keys[0]] for _, window in made)


def test_variant_keys_need_a_variant() -> None:
    comparison = Comparison("d", as_strings(["diario.mx"], False), keys=("variant", "variant-ends"),
                            variant=as_strings(["diariodelsur"], False))
    assert [list(key) for key, _ in comparison.blocking_keys()] == [["diariodelsur"], ["diari"], ["elsur"]]
    with pytest.raises(ValueError, match="unknown blocking key kind 'soundex'"):
        list(Comparison("d", as_strings(["x"]), keys=("soundex",)).blocking_keys())
