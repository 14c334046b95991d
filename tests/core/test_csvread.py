"""Reading exports: encodings, delimiters, quoted line breaks, header names; writing formula-proof CSV."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from outreach.core.csvread import decode, header_key, read_table, safe_cell, sniff_delimiter, write_csv
from outreach.errors import ImportFileError

TEXT = "Domain,Outlet\ndiario.com.mx,Diario Bajío\n"


@pytest.mark.parametrize(("data", "encoding"), [
    pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", id="utf-16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", id="utf-16-be-bom"),
    pytest.param(TEXT.encode("utf-16-le"), "utf-16-le", id="utf-16-le-no-bom"),
    pytest.param(TEXT.encode("utf-16-be"), "utf-16-be", id="utf-16-be-no-bom"),
    pytest.param(codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig", id="utf-8-bom"),
    pytest.param(TEXT.encode(), "utf-8", id="utf-8"),
    pytest.param(TEXT.encode("cp1252"), "cp1252", id="cp1252"),
])
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    text, found = decode(data, "list.csv")
    assert found == encoding
    assert text.lstrip("\ufeff") == TEXT


def test_undecodable_bytes_name_the_file_and_offset() -> None:
    with pytest.raises(ImportFileError, match=r"list\.csv: cannot decode byte 3 as cp1252"):
        decode(b"abc\x81\x8d", "list.csv")


@pytest.mark.parametrize(("text", "delimiter"), [
    pytest.param("a\tb\tc\n1\t2\t3\n", "\t", id="tab"),
    pytest.param("a;b;c\n1;2,5;3\n", ";", id="semicolon-with-decimal-commas"),
    pytest.param("a,b,c\n1,2,3\n", ",", id="comma"),
    pytest.param('"a, b";c\n"1, 2";3\n', ";", id="commas-inside-quotes"),
    pytest.param("domain\nx.com\n", ",", id="one-column"),
])
def test_delimiters_are_sniffed(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(("header", "key"), [
    ("Traffic ", "traffic"),
    ("\ufeffDomain", "domain"),
    ("Link Partner – Domain", "link partner domain"),
    ("contact_name", "contact name"),
    ("E-mail", "e mail"),
    ("  Dofollow ref. domains ", "dofollow ref. domains"),
])
def test_header_keys_ignore_case_spacing_and_dashes(header: str, key: str) -> None:
    assert header_key(header) == key


def test_quoted_fields_may_span_lines_and_rows_keep_spreadsheet_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('domain,notes\na.com,"line one\nline two"\n\n,\nb.com,plain\n', encoding="utf-8")
    table = read_table(path)
    assert table.headers == ["domain", "notes"]
    assert table.rows == [(2, ["a.com", "line one\nline two"]), (5, ["b.com", "plain"])]


def test_ahrefs_export_reads_as_utf16_tab_with_trailing_space_headers() -> None:
    path = Path(__file__).parent.parent / "fixtures" / "ahrefs_refdomains.csv"
    assert '"Traffic "' in path.read_bytes().decode("utf-16"), "the fixture keeps Ahrefs' trailing space"
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16-le", "\t")
    assert "Traffic" in table.headers and "traffic" in table.keys
    assert table.rows[0][1][1] == "elnorte-economia.com.mx"


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(b"", "the file is empty", id="empty"),
    pytest.param(b"  \n\n", "the file is empty", id="blank"),
    pytest.param(b'a,b\n"x' + b"y" * 200_000 + b"\n", "row 2: malformed CSV", id="runaway-quote"),
])
def test_unreadable_files_are_reported(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_table(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"nope\.csv: cannot read the file"):
        read_table(tmp_path / "nope.csv")


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+34 600", "'+34 600"),
    ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("diario.com.mx", "diario.com.mx"),
    (None, ""),
    (42, "42"),
])
def test_cells_never_become_spreadsheet_formulas(cell: object, written: str) -> None:
    assert safe_cell(cell) == written


def test_written_csv_is_utf8_with_bom_and_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "out" / "rejects.csv"
    assert write_csv(path, ["id", "=x"], [[1, "=cmd()"], [2, "José"]]) == 2
    assert path.read_bytes().startswith(codecs.BOM_UTF8)
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["id,'=x", "1,'=cmd()", "2,José"]
    assert list(path.parent.iterdir()) == [path], "no temporary file left behind"
