"""The prospect commands: import, prospects, dedupe, dedupe-csv, dnc and forget, with their exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command

from tests.core.conftest import FIXTURES
from tests.test_cli import COMMANDS, run


@pytest.fixture
def db(sqlite_url: str) -> str:
    """A fresh store for one test."""
    return sqlite_url


def test_the_prospect_commands_exist() -> None:
    assert {("import",), ("prospects",), ("dedupe",), ("dedupe-csv",), ("dnc", "add"), ("dnc", "remove"),
            ("dnc", "list"), ("forget",)} <= set(COMMANDS)
    assert "--check-dns" in {opt for param in get_command(get_command_app()).commands["import"].params
                             for opt in param.opts}


def get_command_app() -> object:
    """The Typer app, imported late so test collection stays cheap."""
    from outreach.cli import app

    return app


def test_import_prints_a_summary_and_exits_zero(demo_dir: Path, db: str) -> None:
    result = run("-C", demo_dir, "--db", db, "import", FIXTURES / "ahrefs_refdomains.csv", "-m", "es-mx")
    assert result.exit_code == 0, result.output
    assert "ahrefs-refdomains (utf-16-le, tab), 3 rows" in result.output
    assert "3 new · 0 updated · 0 unchanged" in result.output
    again = run("-C", demo_dir, "--db", db, "import", FIXTURES / "ahrefs_refdomains.csv", "-m", "es-MX")
    assert "0 new · 0 updated · 3 unchanged" in again.output


def test_bad_rows_exit_one_and_go_to_the_rejects_file(demo_dir: Path, db: str, tmp_path: Path) -> None:
    rejects = tmp_path / "bad.csv"
    result = run("-C", demo_dir, "--db", db, "import", FIXTURES / "outreach_prospects.csv", "-m", "es-MX",
                 "--rejects", rejects)
    assert result.exit_code == 1
    assert "bad row outreach_prospects.csv: row 6: domain: no domain" in result.output
    assert f"1 bad row(s) written to {rejects}" in result.output
    assert rejects.read_text(encoding="utf-8-sig").startswith("row,reason,domain,url,outlet")


def test_strict_import_exits_two_and_writes_nothing(demo_dir: Path, db: str) -> None:
    result = run("-C", demo_dir, "--db", db, "import", FIXTURES / "outreach_prospects.csv", "-m", "es-MX",
                 "--strict")
    assert result.exit_code == 2
    assert "error: outreach_prospects.csv: row 6: domain: no domain" in result.output
    assert "error: --strict: 1 bad row(s), nothing imported" in result.output
    listed = run("-C", demo_dir, "--db", db, "prospects", "--market", "es-MX", "--json")
    assert json.loads(listed.stdout) == []


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--market", "it-IT"], "error: unknown market 'it-IT'", id="unknown-market"),
    pytest.param(["--market", "es-MX", "--format", "excel"], "error: unknown format 'excel'",
                 id="unknown-format"),
])
def test_import_mistakes_are_messages(demo_dir: Path, db: str, args: list[str], message: str) -> None:
    result = run("-C", demo_dir, "--db", db, "import", FIXTURES / "moz_domains.csv", *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_missing_file_is_a_usage_error(demo_dir: Path, db: str, tmp_path: Path) -> None:
    result = run("-C", demo_dir, "--db", db, "import", tmp_path / "nope.csv", "--market", "es-MX")
    assert result.exit_code == 2 and "does not exist" in re.sub(r"[\s│]+", " ", result.output)


def test_prospects_json_lists_every_column(demo_dir: Path, db: str) -> None:
    run("-C", demo_dir, "--db", db, "import", FIXTURES / "buzzstream_contacts.csv", "--market", "fr-FR")
    result = run("-C", demo_dir, "--db", db, "prospects", "--market", "fr-FR", "--json", "--sort", "domain")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["domain"] for row in rows] == ["economiaregional.com.ar", "journal-des-pme.fr"]
    listed_columns = {"domain", "outlet", "contact", "email", "country", "country_source", "language",
                      "language_source", "locality", "source_type", "metrics", "stage", "dedupe_cluster"}
    assert listed_columns <= rows[0].keys()
    assert (rows[1]["country"], rows[1]["country_source"], rows[1]["locality"]) == ("FR", "cctld", "local")


def test_prospects_table_shows_how_country_and_language_were_found(demo_dir: Path, db: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.cli.output import out

    monkeypatch.setattr(out, "width", 200)
    run("-C", demo_dir, "--db", db, "import", FIXTURES / "ahrefs_backlinks.csv", "--market", "es-MX")
    result = run("-C", demo_dir, "--db", db, "prospects", "--market", "es-MX", "--search", "revista")
    assert result.exit_code == 0
    assert "revistapymes.com.mx" in result.output and "MX tld" in result.output and "es exp" in result.output
    assert "1 of 1 prospect(s) in es-MX" in result.output


def test_dedupe_lists_and_merges_clusters(demo_dir: Path, db: str, tmp_path: Path) -> None:
    source = tmp_path / "mx.csv"
    source.write_text("domain,outlet,contact_name,email\n"
                      "diario.com.mx,Diario,Ana García,ana.garcia@diario.com.mx\n"
                      "www.diario.com.mx,Diario S.A.,\"García, Ana\",ana.garcia@gmail.com\n"
                      + "".join(f"sitio{i}x.com.mx,Sitio {i},P {i},p{i}@sitio{i}x.com.mx\n"
                                for i in range(12)),
                      encoding="utf-8")
    run("-C", demo_dir, "--db", db, "import", source, "--market", "es-MX")
    listed = run("-C", demo_dir, "--db", db, "dedupe", "--market", "es-MX")
    assert listed.exit_code == 0, listed.output
    assert "1 cluster(s) among 14 prospect(s)" in listed.output and "ana.garcia@gmail.com" in listed.output
    merged = run("-C", demo_dir, "--db", db, "dedupe", "--market", "es-MX", "--merge", "all", "--json")
    assert json.loads(merged.stdout)["merged"] == [1]
    after = run("-C", demo_dir, "--db", db, "prospects", "--market", "es-MX", "--json")
    assert len(json.loads(after.stdout)) == 13


def test_dedupe_rejects_a_bad_merge_list(demo_dir: Path, db: str) -> None:
    result = run("-C", demo_dir, "--db", db, "dedupe", "--market", "es-MX", "--merge", "x,y")
    assert result.exit_code == 2 and "--merge takes cluster ids" in result.output


def test_dedupe_csv_writes_one_row_per_input_row(tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text("Name;City\nAna García;Puebla\nAna Garcia;Puebla\nLuis Pérez;León\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("dedupe-csv", source, "--fields", "name, city", "--out", out)
    assert result.exit_code == 0, result.output
    assert "3 rows → " in result.output
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "id,cluster"
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 4
    missing = run("dedupe-csv", source, "--fields", "email", "--out", out)
    assert missing.exit_code == 2 and "no column 'email'" in missing.output


def test_dnc_add_list_remove_and_forget(demo_dir: Path, db: str) -> None:
    run("-C", demo_dir, "--db", db, "import", FIXTURES / "buzzstream_contacts.csv", "--market", "fr-FR")
    added = run("-C", demo_dir, "--db", db, "dnc", "add", "journal-des-pme.fr", "--reason", "asked")
    assert added.exit_code == 0 and "(1 prospect(s) marked)" in added.output
    listed = json.loads(run("-C", demo_dir, "--db", db, "dnc", "list", "--json").stdout)
    assert [(row["kind"], row["value"], row["reason"]) for row in listed] == [
        ("domain", "journal-des-pme.fr", "asked")]
    removed = run("-C", demo_dir, "--db", db, "dnc", "remove", "journal-des-pme.fr")
    assert removed.exit_code == 0 and "(1 prospect(s) unmarked)" in removed.output
    assert run("-C", demo_dir, "--db", db, "dnc", "remove", "journal-des-pme.fr").exit_code == 2
    forgot = run("-C", demo_dir, "--db", db, "forget", "jose.nunez@economiaregional.com.ar")
    assert forgot.exit_code == 0 and "forgot email: 1 prospect(s)" in forgot.output
    assert run("-C", demo_dir, "--db", db, "forget", "not an address").exit_code == 2
