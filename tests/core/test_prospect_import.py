"""Importing lists into a market: every format, bad rows, strict mode, re-imports, DNC and suppressions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from outreach.core import dnc
from outreach.core.forget import forget
from outreach.core.models import AuditEntry, Prospect, ProspectEvent
from outreach.errors import BadRowsError, ImportFileError, NotFoundError
from tests.core.conftest import FIXTURES, Env, session_rows, write_csv_text

OWN_HEADER = "domain,outlet,contact_name,email,country,language,source_type,dr,traffic\n"


def prospects(env: Env, market: str | None = None) -> dict[str, Prospect]:
    """Prospects by `domain|email`, optionally of one market."""
    with env.session() as session:
        rows = session_rows(session, Prospect)
    return {f"{p.domain}|{p.email or ''}": p for p in rows if market is None or p.market == market}


@pytest.mark.parametrize(("fixture", "new", "bad"), [
    ("outreach_prospects.csv", 5, 1), ("ahrefs_refdomains.csv", 3, 0), ("ahrefs_backlinks.csv", 3, 0),
    ("ahrefs_intersect.csv", 2, 0), ("semrush_backlinks.csv", 2, 0), ("semrush_refdomains.csv", 2, 0),
    ("semrush_gap.csv", 2, 0), ("majestic_backlinks.csv", 1, 0), ("majestic_refdomains.csv", 2, 0),
    ("moz_domains.csv", 1, 0), ("moz_links.csv", 1, 0), ("buzzstream_contacts.csv", 2, 0),
    ("pitchbox_partners.csv", 1, 1),
])
def test_every_fixture_imports(env: Env, tmp_path: Path, fixture: str, new: int, bad: int) -> None:
    report = env.import_file(FIXTURES / fixture, rejects=tmp_path / "rejects.csv")
    assert (report.new, len(report.bad_rows)) == (new, bad)
    assert len(prospects(env)) == new


@pytest.mark.parametrize(("key", "expected"), [
    ("diariodelbajio.com.mx|lucia.ramirez@diariodelbajio.com.mx",
     {"outlet": "Diario del Bajío", "contact_name": "Lucía Ramírez", "country": "MX",
      "country_source": "cctld", "language": "es", "locality": "local", "source_type": "press",
      "metrics": {"dr": 48.0, "traffic": 120000.0}}),
    ("contadorespyme.mx|jorge@contadorespyme.mx",
     {"contact_name": "Jorge Ramírez", "first_name": "Jorge", "url": "https://www.contadorespyme.mx/blog/",
      "source_type": "trade"}),
    ("finanzasglobales.com|emma@finanzasglobales.com",
     {"country": None, "language": "en", "language_source": "explicit", "locality": "global",
      "source_type": "global-publication", "metrics": {"dr": 71.0, "traffic": 2400000.0}}),
    ("noticiastijuana.mx|raul@noticiastijuana.mx", {"timezone": "America/Tijuana"}),
    ("camaracomerciogdl.org.mx|", {"country": "MX", "country_source": "explicit", "source_type": "chamber",
                                   "contact_name": None, "identity": "camaracomerciogdl.org.mx|"}),
])
def test_our_own_format_is_normalised(env: Env, tmp_path: Path, key: str, expected: dict[str, Any]) -> None:
    env.import_file(FIXTURES / "outreach_prospects.csv", rejects=tmp_path / "r.csv")
    found = prospects(env)[key]
    assert {name: getattr(found, name) for name in expected} == expected
    assert (found.stage, found.do_not_contact, found.market) == ("new", False, "es-MX")


@pytest.mark.parametrize(("fixture", "key", "expected"), [
    ("ahrefs_refdomains.csv", "pymesdigitales.es|",
     {"host": "blog.pymesdigitales.es", "domain": "pymesdigitales.es", "country": "ES", "metrics":
      {"dr": 41.0, "traffic": 4100.0}}),
    ("ahrefs_refdomains.csv", "startupnews.io|", {"country": None, "country_source": "unknown"}),
    ("ahrefs_backlinks.csv", "revistapymes.com.mx|", {"language_source": "export-language", "language": "es",
                                                      "metrics": {"dr": 44.0, "ur": 12.0,
                                                                  "traffic": 18300.0}}),
    ("ahrefs_backlinks.csv", "freelancehub.com|", {"language": "es", "language_source": "path-hint"}),
    ("ahrefs_intersect.csv", "tecnoayuda.com|", {"language": "es", "language_source": "path-hint"}),
    ("semrush_refdomains.csv", "contabilidadfacil.com.br|", {"country": "BR", "country_source": "cctld"}),
    ("semrush_refdomains.csv", "negocioslocales.com|", {"country": None, "country_source": "unknown"}),
    ("semrush_backlinks.csv", "comparasoft.com|", {"country": "MX", "country_source": "path-hint"}),
    ("majestic_refdomains.csv", "wirtschaftsblatt-online.de|",
     {"country": "DE", "metrics": {"cf": 40.0, "tf": 35.0}}),
    ("moz_domains.csv", "contabilidad-hoy.com.ar|", {"metrics": {"da": 42.0, "spam_score": 1.0}}),
    ("buzzstream_contacts.csv", "journal-des-pme.fr|b.lefevre@journal-des-pme.fr",
     {"contact_name": "Bérénice Lefèvre", "first_name": "Bérénice", "language": "fr"}),
    ("pitchbox_partners.csv", "folhaempresarial.com.br|editor@folhaempresarial.com.br",
     {"outlet": "Folha Empresarial", "source_type": "press", "contact_name": "Beatriz Araújo"}),
    ("semrush_gap.csv", "gestionpyme.com.mx|", {"origin": "gap:competidor.com.mx,otrorival.mx"}),
])
def test_exports_are_normalised(env: Env, tmp_path: Path, fixture: str, key: str,
                                expected: dict[str, Any]) -> None:
    env.import_file(FIXTURES / fixture, rejects=tmp_path / "r.csv")
    found = prospects(env)[key]
    assert {name: getattr(found, name) for name in expected} == expected


def test_semrush_country_is_hosting_and_never_the_audience(env: Env) -> None:
    env.import_file(FIXTURES / "semrush_refdomains.csv")
    assert {p.country for p in prospects(env).values()} == {"BR", None}, "'us' and 'es' are IP locations"


def test_a_gap_report_skips_sites_already_linking_to_us(env: Env) -> None:
    report = env.import_file(FIXTURES / "semrush_gap.csv")
    assert report.already_linking == 1
    assert "yaenlazado.com.mx|" not in prospects(env)


def test_bad_rows_are_reported_and_written_to_rejects(env: Env, tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "list.csv", OWN_HEADER +
                          "ok.com.mx,OK,,,,,,10,\n"
                          ",No Domain,Ana,,,,,,\n"
                          "mail.com.mx,Bad Mail,Ana,ana@@mail.com.mx,,,,,\n"
                          "num.com.mx,Bad Number,,,,,,lots,\n"
                          "type.com.mx,Bad Type,,,,,podcast,,\n"
                          "=cmd|' /C calc'!A0,Formula,,,,,,,\n")
    report = env.import_file(path)
    assert [(bad.row, bad.field) for bad in report.bad_rows] == [
        (3, "domain"), (4, "email"), (5, "dr"), (6, "source_type"), (7, "domain")]
    assert str(report.bad_rows[2]) == "list.csv: row 5: dr: 'lots' is not a number"
    assert report.rejects_path == tmp_path / "list.rejects.csv"
    lines = report.rejects_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "row,reason," + OWN_HEADER.strip()
    reason = "domain: no domain: the row has no domain, URL or work email address"
    assert lines[1] == f'3,"{reason}",,No Domain,Ana,,,,,,'
    assert lines[5].startswith("7,") and ",'=cmd|' /C calc'!A0," in lines[5], "formula neutralised"
    assert list(prospects(env)) == ["ok.com.mx|"]


def test_strict_mode_aborts_with_nothing_written(env: Env, tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "list.csv", OWN_HEADER + "ok.com.mx,OK,,,,,,,\nbad.com.mx,,,nope,,,,,\n")
    with pytest.raises(BadRowsError) as caught:
        env.import_file(path, strict=True)
    assert "list.csv: row 3: email: 'nope' is not a valid email address" in str(caught.value)
    assert "--strict: 1 bad row(s), nothing imported" in str(caught.value)
    assert prospects(env) == {}
    assert not (tmp_path / "list.rejects.csv").exists()
    with env.session() as session:
        assert [e.action for e in session_rows(session, AuditEntry)] == ["campaign.register"]


def test_reimporting_the_same_file_changes_nothing(env: Env) -> None:
    first = env.import_file(FIXTURES / "ahrefs_backlinks.csv")
    with env.session() as session:
        before = ([p.model_dump() for p in session_rows(session, Prospect)],
                  len(session_rows(session, ProspectEvent)), len(session_rows(session, AuditEntry)))
    again = env.import_file(FIXTURES / "ahrefs_backlinks.csv")
    with env.session() as session:
        after = ([p.model_dump() for p in session_rows(session, Prospect)],
                 len(session_rows(session, ProspectEvent)), len(session_rows(session, AuditEntry)))
    assert (first.new, again.new, again.updated, again.unchanged) == (3, 0, 0, 3)
    assert after == before


def test_rows_of_one_prospect_merge_within_the_file(env: Env, tmp_path: Path) -> None:
    path = write_csv_text(tmp_path, "dups.csv", OWN_HEADER +
                          "www.diario.com.mx,Diario,Ana Gómez,ana@diario.com.mx,,,,40,\n"
                          "https://diario.com.mx/x,,,ANA@DIARIO.COM.MX,,,press,,9000\n"
                          "diario.com.mx,Diario,,,,,,,\n")
    report = env.import_file(path)
    assert (report.new, report.merged_rows) == (2, 1)
    merged = prospects(env)["diario.com.mx|ana@diario.com.mx"]
    assert (merged.outlet, merged.source_type) == ("Diario", "press")
    assert merged.metrics == {"dr": 40.0, "traffic": 9000.0}


def test_a_richer_reimport_fills_blanks_and_records_what_changed(env: Env, tmp_path: Path) -> None:
    env.import_file(write_csv_text(tmp_path, "a.csv", OWN_HEADER + "diario.com.mx,,,,,,,30,\n"))
    richer = write_csv_text(tmp_path, "b.csv", OWN_HEADER + "diario.com.mx,Diario,,,,,press,35,\n")
    report = env.import_file(richer)
    assert (report.new, report.updated) == (0, 1)
    found = prospects(env)["diario.com.mx|"]
    assert (found.outlet, found.source_type, found.metrics) == ("Diario", "press", {"dr": 35.0})
    with env.session() as session:
        events = session.exec(select(ProspectEvent).where(ProspectEvent.prospect_id == found.id)
                              .order_by(ProspectEvent.id)).all()
        assert [(e.kind, e.detail.get("file"), e.detail.get("changed")) for e in events] == [
            ("imported", "a.csv", None), ("imported", "b.csv", ["metrics", "outlet", "source_type"])]


def test_do_not_contact_entries_are_marked_on_import(env: Env) -> None:
    with env.session() as session:
        dnc.add_entry(session, "pymesdigitales.es", reason="asked", actor="tester")
        dnc.add_entry(session, "B.Lefevre@journal-des-pme.fr", reason="", actor="tester")
    first = env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    second = env.import_file(FIXTURES / "buzzstream_contacts.csv")
    assert (first.do_not_contact, second.do_not_contact) == (1, 1)
    marked = {key for key, p in prospects(env).items() if p.do_not_contact}
    assert marked == {"pymesdigitales.es|", "journal-des-pme.fr|b.lefevre@journal-des-pme.fr"}


def test_forgotten_subjects_are_never_imported_again(env: Env) -> None:
    env.import_file(FIXTURES / "buzzstream_contacts.csv")
    with env.session() as session:
        forget(session, "jose.nunez@economiaregional.com.ar", actor="tester")
    report = env.import_file(FIXTURES / "buzzstream_contacts.csv")
    assert (report.suppressed, report.new, report.unchanged) == (1, 0, 1)
    assert "economiaregional.com.ar|jose.nunez@economiaregional.com.ar" not in prospects(env)


def test_the_same_domain_in_two_markets_is_a_collision(env: Env) -> None:
    env.import_file(FIXTURES / "ahrefs_refdomains.csv", market="es-ES")
    report = env.import_file(FIXTURES / "ahrefs_refdomains.csv", market="es-MX")
    assert report.collisions == ["elnorte-economia.com.mx", "pymesdigitales.es", "startupnews.io"]
    assert len(prospects(env, "es-ES")) == len(prospects(env, "es-MX")) == 3


def test_an_unknown_market_is_named_before_the_file_is_read(env: Env) -> None:
    with pytest.raises(NotFoundError, match="unknown market 'it-IT'"):
        env.import_file(Path("does-not-matter.csv"), market="it-IT")


def test_a_forced_format_needs_a_site_column(env: Env) -> None:
    with pytest.raises(ImportFileError, match="no domain, URL or email column for format 'moz-domains'"):
        env.import_file(FIXTURES / "semrush_gap.csv", format="moz-domains")


def test_an_import_is_one_transaction(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.core import prospects as module

    def fail(*_: object, **__: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "refresh_clusters", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    assert prospects(env) == {}


def test_a_large_list_is_imported_in_bulk(env: Env, tmp_path: Path) -> None:
    lines = [OWN_HEADER] + [f"site{i}.com.mx,Sitio {i},Persona {i},p{i}@site{i}.com.mx,,,press,{i % 90},\n"
                            for i in range(3000)]
    report = env.import_file(write_csv_text(tmp_path, "big.csv", "".join(lines)), dedupe=False)
    assert (report.rows, report.new) == (3000, 3000)
    with env.session() as session:
        assert len(session_rows(session, ProspectEvent)) == 3000
