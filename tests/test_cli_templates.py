"""`outreach briefs`, `render` and `review`: output, exit codes, and messages instead of tracebacks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command

from outreach.cli import app
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Prospect
from outreach.core.store import Store, register_campaign
from tests.test_cli import run

ON = ("--on", "2026-11-22")
NBSP = "\u00a0"


@pytest.fixture
def workspace(demo_dir: Path, tmp_path: Path) -> Path:
    """An editable copy of the demo campaign's workspace."""
    target = tmp_path / "demo"
    target.mkdir()
    shutil.copy(demo_dir / "campaign.toml", target)
    shutil.copytree(demo_dir / "locales", target / "locales")
    shutil.copytree(demo_dir / "briefs", target / "briefs")
    return target


def add_prospects(folder: Path, url: str, *rows: dict[str, Any]) -> list[int]:
    """Save prospects of the workspace's campaign; return their ids."""
    store = Store.open(url, actor="tester")
    with store.transaction() as session:
        campaign_id = register_campaign(session, load_campaign(folder), "tester")
        prospects = [Prospect(campaign_id=campaign_id, identity=row["domain"], **row) for row in rows]
        session.add_all(prospects)
        session.flush()
        return [prospect.id for prospect in prospects if prospect.id is not None]


def test_the_new_commands_exist() -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert {"briefs", "render", "review"} <= set(commands)
    assert set(commands["review"].commands) == {"status", "approve", "reject"}


def test_briefs_lists_hooks_formatted_the_markets_way(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "briefs", *ON)
    assert result.exit_code == 0, result.output
    assert "es-MX  México (piloto): nómina, CFDI 4.0 y pymes" in result.output
    assert "$315.04" in result.output and f"1.221,00{NBSP}€" in result.output
    assert "stale after 18 months" in result.output


def test_briefs_json_for_one_market(demo_dir: Path) -> None:
    data = json.loads(run("-C", demo_dir, "briefs", "--market", "es-ar", "--json", *ON).stdout)
    assert list(data) == ["es-AR"]
    assert data["es-AR"]["hooks"]["inflacion_interanual"]["max_age_months"] == 3
    assert data["es-AR"]["flags"] == []


def test_briefs_flag_stale_unsourced_and_missing_with_exit_one(workspace: Path) -> None:
    (workspace / "briefs" / "pt-BR.md").unlink()
    brief = workspace / "briefs" / "es-MX.md"
    source = 'source = "CONASAMI, resolución publicada en el Diario Oficial de la Federación"\n'
    brief.write_text(brief.read_text(encoding="utf-8").replace(source, ""), encoding="utf-8")
    result = run("-C", workspace, "briefs", *ON)
    assert result.exit_code == 1
    assert "✗ unsourced: hook 'salario_minimo_diario' has no source" in result.output
    assert "pt-BR  ✗ no brief (write briefs/pt-BR.md)" in result.output
    later = run("-C", workspace, "briefs", "--market", "de-DE", "--on", "2030-01-01")
    assert later.exit_code == 1 and "✗ stale: hook 'kmu_anteil' is from 2025-09-30" in later.output
    strict = run("-C", workspace, "briefs", "--market", "de-DE", "--max-age", "1", *ON)
    assert strict.exit_code == 1 and "older than 1 months" in strict.output


def test_a_broken_brief_names_file_and_key_with_exit_two(workspace: Path) -> None:
    (workspace / "briefs" / "de-DE.md").write_text('+++\n[hooks.x]\nvalue = 1\nunit = "kg"\n'
                                                   'as_of = 2026-01-01\n+++\n', encoding="utf-8")
    result = run("-C", workspace, "briefs")
    assert result.exit_code == 2
    assert "de-DE.md: hooks.x.unit: unknown unit 'kg'" in result.output and "Traceback" not in result.output


def test_a_bad_date_is_a_usage_error(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "briefs", "--on", "22/11/2026")
    assert result.exit_code == 2 and "is not a date like 2026-11-22" in result.output


def test_render_prints_subject_and_body_for_the_sample_prospect(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "render", "--market", "es-ES")
    assert result.exit_code == 0, result.output
    assert "── es-ES · pitch · sample prospect · es-ES/pitch.j2" in result.output
    assert "Subject: Nóminas en pymes: datos para Example Media\n\nHola, Alex:" in result.output
    assert f"Con el SMI en 1.221{NBSP}€ al mes" in result.output, "no-break spaces are kept"


def test_render_a_follow_up_for_a_page_and_anchor(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "render", "-m", "es-MX", "-t", "followup-1", "--anchor", "nómina en línea",
                 "--page", "https://www.tallyro.com/mx/facturacion-electronica/")
    assert result.exit_code == 0, result.output
    assert "Subject: Re: CFDI 4.0 en pymes: datos para Example Media" in result.output


def test_render_a_stored_prospect(workspace: Path, sqlite_url: str) -> None:
    [mx, es] = add_prospects(workspace, sqlite_url,
                             {"market": "es-MX", "domain": "diario.mx", "outlet": "El Diario",
                              "first_name": "Ana", "contact_name": "Ana Pérez"},
                             {"market": "es-ES", "domain": "diario.es"})
    result = run("-C", workspace, "--db", sqlite_url, "render", "-m", "es-MX", "-p", str(mx))
    assert result.exit_code == 0, result.output
    assert f"prospect {mx} (El Diario, Ana Pérez)" in result.output
    assert "Buen día, Ana:" in result.output
    elsewhere = run("-C", workspace, "--db", sqlite_url, "render", "-m", "es-MX", "-p", str(es))
    assert elsewhere.exit_code == 2
    assert f"prospect {es} (diario.es) is in es-ES, not es-MX" in elsewhere.output
    missing = run("-C", workspace, "--db", sqlite_url, "render", "-m", "es-MX", "-p", "999")
    assert missing.exit_code == 2 and "no prospect 999 in this campaign" in missing.output


def test_render_all_reports_every_failure(workspace: Path, sqlite_url: str) -> None:
    add_prospects(workspace, sqlite_url,
                  {"market": "es-MX", "domain": "uno.mx", "outlet": "Uno"},
                  {"market": "es-MX", "domain": "dos.mx", "outlet": "Dos\r\nBcc: x@y.z"})
    ok = run("-C", workspace, "--db", sqlite_url, "render", "-m", "es-MX", "--all", "--quiet")
    assert ok.exit_code == 1, ok.output
    assert "3 rendered, 3 failed" in ok.output
    assert ok.output.count("subject must be one line") == 3 and "Subject:" not in ok.output
    as_json = run("-C", workspace, "--db", sqlite_url, "render", "-m", "es-MX", "--all", "--json")
    data = json.loads(as_json.stdout)
    assert [item["message"] for item in data["rendered"]] == ["pitch", "followup-1", "followup-2"]
    assert {failure["message"] for failure in data["failures"]} == {"pitch", "followup-1", "followup-2"}


def test_render_all_without_prospects_uses_the_sample(demo_dir: Path, sqlite_url: str) -> None:
    result = run("-C", demo_dir, "--db", sqlite_url, "render", "-m", "de-DE", "--all")
    assert result.exit_code == 0, result.output
    assert "no prospects in de-DE yet" in result.output and "3 rendered, 0 failed" in result.output


def test_a_template_error_is_reported_with_file_and_line(workspace: Path) -> None:
    pitch = workspace / "locales" / "fr-FR" / "pitch.j2"
    pitch.write_text("Bonjour\n\n{{ contact.prenom }}\n", encoding="utf-8")
    result = run("-C", workspace, "render", "-m", "fr-FR")
    assert result.exit_code == 1
    assert "fr-FR/pitch.j2:3: 'contact' has no attribute 'prenom'" in result.output


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(("-m", "es-MX", "--all", "-p", "1"), "give --prospect or --all, not both", id="both"),
    pytest.param(("-m", "es-MX", "-t", "subject"), "the subject is printed with every message", id="subject"),
    pytest.param(("-m", "es-MX", "--page", "https://www.tallyro.com/es/nominas/"),
                 "is not a target page of es-MX: it is a page of es-ES", id="another market's page"),
    pytest.param(("-m", "it-IT",), "unknown market 'it-IT'", id="unknown market"),
])
def test_render_usage_errors(demo_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = run("-C", demo_dir, "render", *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


def test_rendering_a_template_nobody_wrote_fails_with_exit_one(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "render", "-m", "es-MX", "-t", "followup-9")
    assert result.exit_code == 1
    assert "no followup-9.j2 for es-MX in any of es-MX → es-419 → es → default" in result.output


def test_review_status_on_the_demo_needs_review_and_exits_zero(demo_dir: Path, sqlite_url: str) -> None:
    result = run("-C", demo_dir, "--db", sqlite_url, "review", "status", *ON)
    assert result.exit_code == 0, result.output
    assert "es-AR  vos/ustedes · «Saludos,» · chain es-AR → es-419 → es → default" in result.output
    assert result.output.count("needs review") == 28
    data = json.loads(run("-C", demo_dir, "--db", sqlite_url, "review", "status", "--json", "-m", "es-MX",
                          *ON).stdout)
    assert [item["template"] for item in data[0]["templates"]] == ["subject", "pitch", "followup-1",
                                                                   "followup-2"]
    assert data[0]["templates"][0]["findings"] == [] and data[0]["templates"][0]["sendable"] is False


def test_approve_then_edit_then_status(workspace: Path, sqlite_url: str) -> None:
    base = ("-C", workspace, "--db", sqlite_url)
    approved = run(*base, "--user", "lead", "review", "approve", "es-MX", "pitch", "--as", "Lucía Romero")
    assert approved.exit_code == 0, approved.output
    assert approved.output.startswith("es-MX pitch: approved by Lucía Romero (es-MX/pitch.j2 ")
    status = run(*base, "review", "status", "-m", "es-MX", *ON)
    assert "pitch        approved" in status.output and "by Lucía Romero" in status.output
    pitch = workspace / "locales" / "es-MX" / "pitch.j2"
    pitch.write_text(pitch.read_text(encoding="utf-8") + "Posdata.\n", encoding="utf-8")
    after = run(*base, "review", "status", "-m", "es-MX", *ON)
    assert "changed since approved by Lucía Romero" in after.output
    audit = json.loads(run(*base, "audit", "--json", "--type", "template").stdout)
    assert [(entry["actor"], entry["action"], entry["detail"]["recorded_by"]) for entry in audit] == [
        ("Lucía Romero", "template.approve", "lead")]


def test_approval_is_refused_on_qa_errors(workspace: Path, sqlite_url: str) -> None:
    pitch = workspace / "locales" / "es-MX" / "pitch.j2"
    pitch.write_text("Buen día [NOMBRE]:\n\n¿Te interesa?\n", encoding="utf-8")
    result = run("-C", workspace, "--db", sqlite_url, "review", "approve", "es-MX", "pitch", "--as", "Lucía")
    assert result.exit_code == 1
    assert "es-MX pitch cannot be approved: 2 QA error(s)" in result.output
    status = run("-C", workspace, "--db", sqlite_url, "review", "status", "-m", "es-MX", *ON)
    assert status.exit_code == 1 and "[address-form] 'Te' is a tú/vos form" in status.output


def test_reject_needs_a_comment(workspace: Path, sqlite_url: str) -> None:
    base = ("-C", workspace, "--db", sqlite_url, "review", "reject", "es-ES", "subject", "--as", "Marta")
    assert run(*base).exit_code == 2
    result = run(*base, "--comment", "Falta el dato de Verifactu")
    assert result.exit_code == 0 and "es-ES subject: rejected by Marta" in result.output
    status = run("-C", workspace, "--db", sqlite_url, "review", "status", "-m", "es-ES", *ON)
    assert "rejected" in status.output and "«Falta el dato de Verifactu»" in status.output


def test_approve_with_a_stale_hash_is_refused(workspace: Path, sqlite_url: str) -> None:
    result = run("-C", workspace, "--db", sqlite_url, "review", "approve", "es-MX", "pitch", "--as", "Lucía",
                 "--hash", "0123456789ab")
    assert result.exit_code == 1 and "changed since you reviewed it" in result.output


def test_review_of_an_unknown_template_or_market(demo_dir: Path, sqlite_url: str) -> None:
    unknown = run("-C", demo_dir, "--db", sqlite_url, "review", "approve", "es-MX", "postdata", "--as", "L")
    assert unknown.exit_code == 2 and "no postdata.j2 for es-MX" in unknown.output
    market = run("-C", demo_dir, "--db", sqlite_url, "review", "status", "-m", "xx-YY")
    assert market.exit_code == 2 and "unknown market 'xx-YY'" in market.output
