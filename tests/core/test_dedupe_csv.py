"""`dedupe-csv` on lists that have nothing to do with prospects."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.comparisons import as_strings
from outreach.core.dedupe_csv import _comparison, dedupe_csv
from outreach.errors import ImportFileError


def clusters(path: Path) -> list[list[str]]:
    """The written rows, after the header."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "id,cluster"
    return [line.split(",") for line in lines[1:]]


@pytest.mark.parametrize(("values", "similarity"), [
    pytest.param(["calle mayor 5", "avenida sol 12", "plaza luna 3"], "token-sort", id="addresses"),
    pytest.param(["28001", "08002", "41003"], "jaro-winkler", id="postcodes"),
    pytest.param(["ana", "luis garcia", "marta", "pedro"], "jaro-winkler", id="mostly-single-words"),
])
def test_word_order_free_similarity_for_multi_word_columns(values: list[str], similarity: str) -> None:
    assert _comparison("c", as_strings(values)).similarity == similarity


def test_every_input_row_gets_a_cluster_even_blank_ones(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text("id,name,city\n1,Ana García,Puebla\n2,,\n3,Ana Garcia,Puebla\n4,Luis,León\n",
                      encoding="utf-8")
    out = tmp_path / "o.csv"
    report = dedupe_csv(source, ["name", "city"], out, id_column="id")
    rows = clusters(out)
    assert [row[0] for row in rows] == ["1", "2", "3", "4"]
    assert rows[0][1] == rows[2][1] and len({rows[1][1], rows[3][1], rows[0][1]}) == 3
    assert report.rows == 4


def test_rows_equal_on_every_field_always_cluster(tmp_path: Path) -> None:
    source = tmp_path / "skus.csv"
    source.write_text("sku,title\n" + "".join(f"S{i},Producto número {i}\n" for i in range(40))
                      + "S99,Producto número 7\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    report = dedupe_csv(source, ["title"], out, id_column="sku")
    rows = dict(clusters(out))
    assert rows["S7"] == rows["S99"]
    assert (report.clusters, report.duplicate_rows) == (1, 1)


def test_a_zero_threshold_still_needs_a_shared_key(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a\nqwerty\nzxcvbn\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    dedupe_csv(source, ["a"], out, threshold=0.0)
    assert [row[1] for row in clusters(out)] == ["1", "2"]


def test_an_empty_list_writes_only_the_header(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("a,b\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    report = dedupe_csv(source, ["a"], out)
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["id,cluster"]
    assert (report.rows, report.clusters) == (0, 0)


def test_the_id_column_is_matched_like_any_header(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("Record ID;Full Name\nA;Ana\nB;Ana\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    dedupe_csv(source, ["full_name"], out, id_column="record-id")
    assert [row[0] for row in clusters(out)] == ["A", "B"]
    with pytest.raises(ImportFileError, match="no column 'uuid'"):
        dedupe_csv(source, ["full_name"], out, id_column="uuid")
