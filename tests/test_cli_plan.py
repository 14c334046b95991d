"""`outreach plan …` on a copy of the demo campaign: decisions land in campaign.toml only when accepted."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.test_cli import run

FIXTURES = Path(__file__).parent / "fixtures" / "competitors"


@pytest.fixture
def lead(demo_dir: Path, tmp_path: Path, sqlite_url: str) -> dict[str, Any]:
    """A copy of the demo workspace with es-MX and es-ES prospects imported."""
    folder = tmp_path / "ws"
    folder.mkdir()
    for name in ("campaign.toml",):
        shutil.copy(demo_dir / name, folder / name)
    for name in ("locales", "briefs", "prospects"):
        shutil.copytree(demo_dir / name, folder / name)
    base = ["-C", str(folder), "--db", sqlite_url, "--user", "pat"]
    for tag in ("es-MX", "es-ES"):
        assert run(*base, "import", folder / "prospects" / f"{tag}.csv", "--market", tag).exit_code == 0
    return {"base": base, "toml": folder / "campaign.toml"}


def _toml(lead: dict[str, Any]) -> dict[str, Any]:
    return tomllib.loads(lead["toml"].read_text(encoding="utf-8"))


def test_markets_ranking_explains_itself(lead: dict[str, Any]) -> None:
    result = run(*lead["base"], "plan", "markets")
    assert result.exit_code == 0, result.output
    assert "Launch sequence: pilot: es-MX" in result.output
    assert "52,000 searches/month" in result.output and "native reviewer" in result.output
    data = json.loads(run(*lead["base"], "plan", "markets", "--json").stdout)
    assert data["markets"][0]["tag"] == "es-MX" and data["markets"][0]["role"] == "pilot"
    assert {score["criterion"] for score in data["markets"][0]["scores"]} == {
        "volume", "competitiveness", "ecosystem", "resources"}


def test_keywords_accept_writes_planning_inputs(lead: dict[str, Any]) -> None:
    before = lead["toml"].read_text(encoding="utf-8")
    shown = run(*lead["base"], "plan", "keywords", "--market", "es-MX", FIXTURES / "keywords_es-MX.csv")
    assert "34,000 searches/month, difficulty 52.3" in shown.output
    assert lead["toml"].read_text(encoding="utf-8") == before  # not accepted: nothing written
    result = run(*lead["base"], "plan", "keywords", "--market", "es-MX", FIXTURES / "keywords_es-MX.csv",
                 "--accept")
    assert result.exit_code == 0, result.output
    planning = _toml(lead)["markets"]["es-MX"]["planning"]
    assert (planning["search_volume"], planning["competitiveness"]) == (34000, 52.3)
    assert planning["reviewers"] == ["Lucía Hernández"]


def test_thresholds_show_the_distribution_and_accept_writes(lead: dict[str, Any]) -> None:
    result = run(*lead["base"], "plan", "thresholds", "--market", "es-MX", "--metric", "dr")
    assert result.exit_code == 0, result.output
    assert "es-MX dr" in result.output and "median" in result.output and "█" in result.output
    data = json.loads(run(*lead["base"], "plan", "thresholds", "--market", "es-MX", "--json").stdout)
    assert {item["metric"] for item in data} >= {"dr"}


def test_competitors_mix_gap_and_accept(lead: dict[str, Any]) -> None:
    result = run(*lead["base"], "plan", "competitors", "--market", "es-MX", FIXTURES / "nominapro.csv",
                 f"facturafacil={FIXTURES / 'facturafacil.csv'}", "--add-gap", "--accept")
    assert result.exit_code == 0, result.output
    assert "nominapro: 9 linking domains" in result.output and "1 bad rows" in result.output
    assert "three quarters local, one quarter global" in result.output
    assert "gap: 4 domains link to competitors but not to us" in result.output
    pages = _toml(lead)["markets"]["es-MX"]["pages"]
    assert {(page["mix"], page.get("local_share")) for page in pages} == {("local-first", 0.75)}
    prospects = json.loads(run(*lead["base"], "prospects", "--market", "es-MX", "--json").stdout)
    assert any(row["domain"] == "saasworldnews.com" for row in prospects)


def test_ramp_accept_is_enforced_by_the_gate_settings(lead: dict[str, Any]) -> None:
    shown = run(*lead["base"], "plan", "ramp", "--market", "es-MX")
    assert "days  1-30  https://www.tallyro.com/mx/nomina/: 2 local, 0 global" in shown.output
    assert "ramp" not in _toml(lead)["markets"]["es-MX"]
    result = run(*lead["base"], "plan", "ramp", "--market", "es-MX", "--accept")
    assert result.exit_code == 0, result.output
    ramp = _toml(lead)["markets"]["es-MX"]["ramp"]
    assert ramp[0] == {"page": "https://www.tallyro.com/mx/nomina/", "period": 1, "local": 2, "global": 0,
                       "anchors": {"branded": 1, "naked-url": 1}}
    review = run(*lead["base"], "plan", "review", "--market", "es-MX", "--today", "2026-10-15")
    assert "es-MX hold: behind plan: 0/7" in review.output


def test_export_markdown_and_self_contained_html(lead: dict[str, Any], tmp_path: Path) -> None:
    markdown = run(*lead["base"], "plan", "export", "--market", "es-MX")
    assert markdown.exit_code == 0, markdown.output
    assert "# Plan: Tallyro international launch 2026" in markdown.output
    assert "| 1 | es-MX | pilot |" in markdown.output and "### Ramp (proposed)" in markdown.output
    out = tmp_path / "plan.html"
    assert run(*lead["base"], "plan", "export", "--format", "html", "--out", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert "<script" not in html and "http-equiv" not in html and 'src="' not in html


def test_plan_without_subcommand_keeps_headroom_and_errors_are_clear(lead: dict[str, Any]) -> None:
    assert "more link(s) this week" in run(*lead["base"], "plan", "--market", "es-MX").output
    assert run(*lead["base"], "plan").exit_code != 0
    unknown = run(*lead["base"], "plan", "ramp", "--market", "xx-XX")
    assert unknown.exit_code == 2 and "unknown market 'xx-XX'" in unknown.output
    bad = run(*lead["base"], "plan", "export", "--format", "pdf")
    assert bad.exit_code != 0 and "pdf" in bad.output
