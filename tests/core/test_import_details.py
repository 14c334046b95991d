"""Import details: encodings end to end, gap columns, rejects layout, reports, counts."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from outreach.core.csvread import read_table
from outreach.core.formats import get_format, map_columns
from outreach.core.prospect_list import ProspectQuery, list_prospects
from outreach.core.prospects import (
    ImportReport,
    _delimiter_name,
    _gap_columns,
    collisions,
    count_prospects,
    default_rejects_path,
    write_rejects,
)
from outreach.errors import BadRow
from tests.core.conftest import FIXTURES, Env

OWN = "domain;outlet;contact_name;email;dr\n"
ROWS = ("diario.com.mx;Diario del Bajío;Lucía Ramírez;lucia@diario.com.mx;1.234\n"
        "revista.es;\"Revista\nde Pymes\";Jordi Puig;jordi@revista.es;12,5\n")


@pytest.mark.parametrize(("encoding", "bom"), [
    pytest.param("utf-8", b"", id="utf-8"),
    pytest.param("utf-8", codecs.BOM_UTF8, id="utf-8-bom"),
    pytest.param("utf-16-le", codecs.BOM_UTF16_LE, id="utf-16-le"),
    pytest.param("utf-16-be", codecs.BOM_UTF16_BE, id="utf-16-be"),
    pytest.param("cp1252", b"", id="cp1252"),
])
def test_our_format_imports_in_any_encoding(env: Env, tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(bom + (OWN + ROWS).encode(encoding))
    report = env.import_file(path)
    assert (report.new, report.bad_rows, report.delimiter) == (2, [], "semicolon")
    with env.session() as session:
        page = list_prospects(session, env.campaign_id, ProspectQuery("es-MX"))
        found = {p.domain: p for p in page.prospects}
    assert found["diario.com.mx"].outlet == "Diario del Bajío"
    assert found["revista.es"].outlet == "Revista de Pymes", "a quoted line break inside a name is a space"
    assert (found["diario.com.mx"].metrics, found["revista.es"].metrics) == ({"dr": 1234.0}, {"dr": 12.5})


def test_gap_columns_find_our_site_and_name_competitors(env: Env) -> None:
    table = read_table(FIXTURES / "semrush_gap.csv")
    columns = map_columns(get_format("semrush-gap"), table.keys)
    ours, competitors = _gap_columns(columns, table, env.campaign)
    assert table.headers[ours or 0] == "tallyro.com"
    assert competitors == ["competidor.com.mx", "otrorival.mx"]


def test_a_gap_report_without_our_column_imports_every_row(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text("Domain,Domain ascore,rival.mx\nuno.mx,30,4\ndos.mx,20,1\n", encoding="utf-8")
    report = env.import_file(path)
    assert (report.format, report.new, report.already_linking) == ("semrush-gap", 2, 0)


def test_a_bad_link_count_in_a_gap_report_is_a_bad_row(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text("Domain,Domain ascore,tallyro.com\nuno.mx,30,many\n", encoding="utf-8")
    report = env.import_file(path)
    assert [(bad.row, bad.field) for bad in report.bad_rows] == [(2, "tallyro.com")]


def test_rejects_go_beside_the_input_by_default() -> None:
    assert default_rejects_path(Path("/x/lists/mx.2026.csv")) == Path("/x/lists/mx.2026.rejects.csv")


def test_rejects_keep_short_rows_aligned(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a,b,c\n1\n", encoding="utf-8")
    table = read_table(source)
    written = write_rejects(tmp_path / "r.csv", table, [BadRow("in.csv", 2, "", "too short")])
    assert written.read_text(encoding="utf-8-sig").splitlines() == ["row,reason,a,b,c", "2,too short,1,,"]


def test_bad_rows_print_with_or_without_a_field() -> None:
    assert str(BadRow("f.csv", 3, "", "empty")) == "f.csv: row 3: empty"
    assert str(BadRow("f.csv", 3, "dr", "bad")) == "f.csv: row 3: dr: bad"


def test_reports_know_whether_anything_changed() -> None:
    report = ImportReport("f", "outreach", "utf-8", "comma")
    assert not report.changed
    report.updated = 1
    assert report.changed


def test_counts_and_collisions(env: Env) -> None:
    env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    env.import_file(FIXTURES / "moz_domains.csv", market="es-AR")
    with env.session() as session:
        assert count_prospects(session, env.campaign_id) == 4
        assert count_prospects(session, env.campaign_id, "es-AR") == 1
        found = collisions(session, env.campaign_id, "es-AR", {"startupnews.io", "nuevo.mx"})
        assert found == ["startupnews.io"]
        assert collisions(session, env.campaign_id, "es-MX", set()) == []


def test_unused_columns_are_listed_but_not_a_gap_reports_sites(env: Env) -> None:
    report = env.import_file(FIXTURES / "moz_domains.csv")
    assert report.unused_columns == ["Linking Domains to Root Domain", "Link Type", "First Seen", "Last Seen"]
    assert env.import_file(FIXTURES / "semrush_gap.csv").unused_columns == []


def test_rejects_go_where_asked_even_into_a_new_folder(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("domain,email\n,nobody\n", encoding="utf-8")
    target = tmp_path / "out" / "bad" / "rejects.csv"
    report = env.import_file(path, rejects=target)
    assert report.rejects_path == target and target.exists()


def test_a_header_without_rows_imports_nothing(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("domain,outlet\n\n\n", encoding="utf-8")
    report = env.import_file(path)
    assert (report.rows, report.new, report.bad_rows, report.rejects_path) == (0, 0, [], None)


def test_control_characters_never_reach_the_store(env: Env, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes(b"domain,outlet,contact_name\nuno.mx,Uno,Ana\ndos.mx,D\x00os,Lu\x07is\n")
    assert env.import_file(path).new == 2
    with env.session() as session:
        page = list_prospects(session, env.campaign_id, ProspectQuery("es-MX", sort="domain"))
    assert [(p.outlet, p.contact_name) for p in page.prospects] == [("Dos", "Luis"), ("Uno", "Ana")]


@pytest.mark.parametrize(("text", "name"), [("a\tb\n1\t2\n", "tab"), ("a;b\n1;2\n", "semicolon"),
                                            ("a,b\n1,2\n", "comma")])
def test_reports_name_the_delimiter(text: str, name: str) -> None:
    assert _delimiter_name(text[1]) == name
