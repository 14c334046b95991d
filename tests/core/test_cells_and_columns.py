"""Smaller pieces: cell helpers, column mapping rules, the sniffer on awkward samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.csvread import iter_cells, read_table, sniff_delimiter
from outreach.core.formats import METRIC_ALIASES, get_format, map_columns
from outreach.core.normalise import email_domain, first_name_of, is_missing


@pytest.mark.parametrize(("cell", "missing"), [
    ("", True), (" ", True), ("-", True), ("N/A", True), ("null", True), ("None", True), ("0", False),
    ("x", False), ("missing", False),
])
def test_missing_cells(cell: str, missing: bool) -> None:
    assert is_missing(cell) is missing


@pytest.mark.parametrize(("name", "first"), [("Ana Pérez", "Ana"), ("Ana", "Ana"), (None, None), ("", None)])
def test_first_names(name: str | None, first: str | None) -> None:
    assert first_name_of(name) == first


@pytest.mark.parametrize(("email", "domain"), [("a@B.mx", "b.mx"), ("nope", None), (None, None),
                                               ("a@b@c.mx", "c.mx")])
def test_email_domains(email: str | None, domain: str | None) -> None:
    assert email_domain(email) == domain


def test_the_first_alias_present_wins() -> None:
    columns = map_columns(get_format("outreach"), ["website", "domain", "name", "contact name"])
    assert columns.fields["domain"] == [1] and columns.fields["url"] == [0]
    assert columns.fields["contact_name"] == [3], "'contact name' is listed before 'name'"


def test_text_fields_read_every_listed_column() -> None:
    keys = ["referring page url", "referring page title", "left context", "right context", "domain rating",
            "target url"]
    columns = map_columns(get_format("ahrefs-backlinks"), keys)
    assert columns.fields["text"] == [1, 2, 3]


def test_metric_aliases_prefer_the_first_spelling() -> None:
    columns = map_columns(get_format("outreach"), ["domain", "traffic", "organic traffic"])
    assert columns.metrics == {"traffic": 1}
    assert all(aliases == tuple(dict.fromkeys(aliases)) for aliases in METRIC_ALIASES.values())


def test_ignored_columns_are_neither_read_nor_unused() -> None:
    keys = ["domain ascore", "domain", "backlinks", "ip", "country", "first seen"]
    columns = map_columns(get_format("semrush-refdomains"), keys)
    assert [keys[index] for index in columns.extra] == ["backlinks", "first seen"]


def test_recognition_needs_every_marker_group() -> None:
    gap = get_format("semrush-gap")
    assert gap.recognises(["domain", "authority score"]) and not gap.recognises(["domain"])


@pytest.mark.parametrize(("text", "delimiter"), [
    pytest.param("a;b;c\n1;2;3\n4;5\n", ";", id="ragged-rows"),
    pytest.param("a,b\n" + "1,2\n" * 5000, ",", id="long-sample-cut-at-a-line"),
    pytest.param("a\tb;c\n1\t2;3\n", "\t", id="tab-before-semicolon-on-a-tie"),
    pytest.param('"a\nb",c\n1,2\n', ",", id="quoted-newline-in-header"),
])
def test_sniffer_on_awkward_samples(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_iter_cells_pads_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    assert list(iter_cells(read_table(path), 1)) == ["2", ""]
