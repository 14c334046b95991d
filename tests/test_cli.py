"""The command line: help for every command, exit codes, and messages instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from outreach.cli import app
from tests.campaigns import base_campaign, changed

runner = CliRunner()


def run(*args: str | Path) -> Any:
    """Invoke the CLI in-process with these arguments."""
    return runner.invoke(app, [str(arg) for arg in args])


def _command_paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group path under `command`, the root included."""
    paths = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _command_paths(get_command(app))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "outreach")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    command: Any = get_command(app)
    for name in path:
        command = command.commands[name]
    assert command.help, f"`outreach {' '.join(path)}` has no help text"
    assert command.help.split("\n")[0][:40] in " ".join(result.output.split())


def test_expected_commands_exist() -> None:
    assert {("init",), ("markets",), ("db", "status"), ("db", "upgrade"), ("audit",)} <= set(COMMANDS)


def test_markets_on_the_demo_exits_zero(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "markets")
    assert result.exit_code == 0, result.output
    assert "es-MX  Spanish (español) · Mexico (México)" in result.output
    assert "America/Mexico_City · Mon–Fri 09:30-14:00, 16:00-18:30 · holidays MX" in result.output
    assert "https://www.tallyro.com/mx/nomina/" in result.output


def test_markets_json_lists_markets_pages_and_problems(demo_dir: Path) -> None:
    data = json.loads(run("-C", demo_dir, "markets", "--json").output)
    assert data["campaign"]["architecture"] == "subfolder"
    mx = next(market for market in data["markets"] if market["tag"] == "es-MX")
    assert mx["country_name"] == "Mexico" and mx["version"] == "https://www.tallyro.com/mx/"
    assert mx["pages"][0]["keywords"] == {"es": ["software de nómina", "sistema de nómina",
                                                 "nómina en línea"]}
    assert data["problems"] == []


def test_markets_hreflang_prints_the_tags(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "markets", "--hreflang", "--market", "es-ar")
    assert result.exit_code == 0
    assert '<link rel="alternate" hreflang="x-default" href="https://www.tallyro.com/payroll/" />' \
        in result.output
    assert "<!-- https://www.tallyro.com/ar/sueldos/ (es-AR, cluster payroll) -->" in result.output
    assert "/mx/calculadora-isr/" not in result.output


def test_problems_make_markets_exit_one(write_campaign: Any) -> None:
    broken = changed(base_campaign(), "markets.es-MX.pages[0].url", "https://www.site.com/nomina/")
    result = run("-C", write_campaign(broken), "markets")
    assert result.exit_code == 1
    assert "✗ architecture: es-MX page https://www.site.com/nomina/ is outside" in result.output
    data = json.loads(run("-C", write_campaign(broken), "markets", "--json").stdout)
    assert [problem["kind"] for problem in data["problems"]] == ["architecture"]


def test_invalid_campaign_is_a_message_not_a_traceback(write_campaign: Any, sqlite_url: str) -> None:
    folder = write_campaign(changed(base_campaign(), "markets.es-MX.timezone", "America/Mexico"))
    result = run("-C", folder, "--db", sqlite_url, "audit")
    assert result.exit_code == 2
    assert f"error: {folder}/campaign.toml: markets.es-MX.timezone: unknown timezone " \
           "'America/Mexico'" in result.output
    assert "Traceback" not in result.output
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists(), "nothing half-written"


def test_unknown_market_is_named(demo_dir: Path) -> None:
    result = run("-C", demo_dir, "markets", "--market", "it-IT")
    assert result.exit_code == 2
    assert "unknown market 'it-IT'" in result.output


def test_init_writes_a_workspace_that_checks_clean(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = run("init", folder)
    assert result.exit_code == 0, result.output
    for name in ("campaign.toml", "locales/README.md", "briefs/README.md", "prospects/README.md"):
        assert (folder / name).is_file()
    assert "# Link mix rule" in (folder / "campaign.toml").read_text(encoding="utf-8")
    assert run("-C", folder, "markets").exit_code == 0


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    assert run("init", tmp_path).exit_code == 0
    (tmp_path / "campaign.toml").write_text("# mine", encoding="utf-8")
    result = run("init", tmp_path)
    assert result.exit_code == 2 and "already exists; use --force" in result.output
    assert (tmp_path / "campaign.toml").read_text(encoding="utf-8") == "# mine"
    assert run("init", tmp_path, "--force").exit_code == 0


def test_db_status_then_upgrade(sqlite_url: str) -> None:
    status = run("--db", sqlite_url, "db", "status")
    assert status.exit_code == 0 and "pending   0001" in status.output
    upgrade = run("--db", sqlite_url, "db", "upgrade")
    assert upgrade.exit_code == 0 and "(0001" in upgrade.output
    assert "pending   none: up to date" in run("--db", sqlite_url, "db", "status").output


def test_database_url_comes_from_the_environment(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_DATABASE_URL", sqlite_url)
    assert sqlite_url.removeprefix("sqlite:///") in run("db", "status").output


def test_audit_shows_who_registered_the_campaign(demo_dir: Path, sqlite_url: str) -> None:
    result = run("-C", demo_dir, "--db", sqlite_url, "--user", "maria", "audit", "--json")
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [(e["actor"], e["action"]) for e in entries] == [("maria", "campaign.register")]


def test_user_defaults_to_settings_file(demo_dir: Path, sqlite_url: str, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTREACH_USER")
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text('user = "lucia"\n', encoding="utf-8")
    monkeypatch.setenv("OUTREACH_CONFIG_DIR", str(config))
    entries = json.loads(run("-C", demo_dir, "--db", sqlite_url, "audit", "--json").stdout)
    assert entries[0]["actor"] == "lucia"


def test_bad_settings_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "settings.toml").write_text('colour = "red"\n', encoding="utf-8")
    monkeypatch.setenv("OUTREACH_CONFIG_DIR", str(tmp_path))
    result = run("db", "status")
    assert result.exit_code == 2
    assert f"{tmp_path / 'settings.toml'} or OUTREACH_* environment: colour: Extra inputs" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("outreach ")


def test_typer_is_the_cli_framework() -> None:
    assert isinstance(app, typer.Typer)


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "outreach", "--version"], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith("outreach ")
