"""The rule gate from the shell, on the demo campaign: request, check, approve, override, plan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from outreach.core.campaign_file import load_campaign
from outreach.core.models import LinkRequest, Prospect
from outreach.core.store import Store
from tests.test_cli import run


@pytest.fixture
def demo(demo_dir: Path, sqlite_url: str) -> dict[str, Any]:
    """The demo campaign in a fresh store, with two Mexican prospects and approved es-MX pitches."""
    store = Store.open(sqlite_url, "tester")
    campaign_id = store.campaign_id(load_campaign(demo_dir))
    ids = []
    with store.transaction() as session:
        for number, (domain, dr) in enumerate((("pymesaldia.com.mx", 38), ("nominahoy.mx", 12)), start=1):
            row = Prospect(campaign_id=campaign_id, market="es-MX", identity=f"{domain}|", domain=domain,
                           email=f"redaccion{number}@{domain}", outlet=f"Medio {number}",
                           contact_name="Ana Torres", first_name="Ana", language="es",
                           language_source="explicit", country="MX", locality="local", metrics={"dr": dr})
            session.add(row)
            session.flush()
            ids.append(row.id)
    base = ["-C", str(demo_dir), "--db", sqlite_url, "--user", "maria"]
    for template in ("subject", "pitch"):
        result = run(*base, "review", "approve", "es-MX", template, "--as", "lucia")
        assert result.exit_code == 0, result.output
    return {"base": base, "prospects": ids, "store": store}


def _new(demo: dict[str, Any], prospect: int, page: str, anchor: str) -> tuple[int, Any]:
    result = run(*demo["base"], "request", "new", "--prospect", str(prospect), "--page", page,
                 "--anchor", anchor)
    assert result.exit_code == 0, result.output
    found = re.search(r"request #(\d+) created", result.output)
    assert found, result.output
    return int(found.group(1)), result


def test_clean_request_is_approved_with_its_pitch_frozen(demo: dict[str, Any]) -> None:
    request_id, created = _new(demo, demo["prospects"][0], "https://www.tallyro.com/mx/nomina/", "Tallyro")
    assert "anchor class branded, verdict pass" in created.output
    approved = run(*demo["base"], "approve", str(request_id))
    assert approved.exit_code == 0, approved.output
    assert f"request #{request_id} approved by maria" in approved.output
    with demo["store"].transaction() as session:
        row = session.get(LinkRequest, request_id)
        assert row.state == "approved" and row.approved_by == "maria"
        assert row.subject and "Ana" in row.body and "Tallyro" in row.body


def test_blocked_request_needs_an_override_with_a_reason(demo: dict[str, Any]) -> None:
    request_id, created = _new(demo, demo["prospects"][1], "https://www.tallyro.com/mx/nomina/", "Tallyro")
    assert "block quality: Medio 2: DR 12 < 20 (es-MX threshold)" in " ".join(created.output.split())
    refused = run(*demo["base"], "approve", str(request_id))
    assert refused.exit_code == 1
    assert f"request #{request_id} is blocked by the rule gate" in refused.output
    overridden = run(*demo["base"], "override", str(request_id), "--rule", "quality", "--reason",
                     "Niche payroll newsletter read by HR managers in Monterrey", "--as", "pablo")
    assert overridden.exit_code == 0, overridden.output
    assert run(*demo["base"], "approve", str(request_id)).exit_code == 0
    audit = json.loads(run(*demo["base"], "audit", "--type", "request", "--json").stdout)
    assert any(e["action"] == "request.override" and e["actor"] == "pablo" for e in audit)


def test_check_lists_findings_and_exits_one_on_blocks(demo: dict[str, Any]) -> None:
    _new(demo, demo["prospects"][0], "https://www.tallyro.com/", "Tallyro")
    result = run(*demo["base"], "check", "--market", "es-MX")
    assert result.exit_code == 1
    assert "block target-version: https://www.tallyro.com/ is outside every market version" in \
        " ".join(result.output.split())
    data = json.loads(run(*demo["base"], "check", "--json").stdout)
    assert data[0]["verdict"] == "block"
    assert {f["rule"] for f in data[0]["findings"]} >= {"target-version", "anchor-mix", "template"}


def test_check_passes_when_nothing_blocks(demo: dict[str, Any]) -> None:
    _new(demo, demo["prospects"][0], "https://www.tallyro.com/mx/nomina/", "Tallyro")
    result = run(*demo["base"], "check")
    assert result.exit_code == 0, result.output
    assert "1 request(s) checked: 0 blocked" in result.output


def test_unapproved_template_blocks_and_cannot_be_overridden(demo: dict[str, Any]) -> None:
    with demo["store"].transaction() as session:
        es = session.exec(select(Prospect)).first()
        es.market = "es-ES"
        session.add(es)
    request_id, created = _new(demo, demo["prospects"][0], "https://www.tallyro.com/es/nominas/", "Tallyro")
    assert "block template: es-ES subject is needs review" in " ".join(created.output.split())
    refused = run(*demo["base"], "override", str(request_id), "--rule", "template", "--reason", "urgent!")
    assert refused.exit_code == 2 and "'template' cannot be overridden" in refused.output


def test_plan_shows_headroom(demo: dict[str, Any]) -> None:
    result = run(*demo["base"], "plan", "--market", "es-MX", "--today", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert "es-MX: up to" in result.output and "ramp: day" in result.output
    data = json.loads(run(*demo["base"], "plan", "--market", "es-MX", "--json").stdout)
    assert {page["url"] for page in data["pages"]} >= {"https://www.tallyro.com/mx/nomina/"}


def test_show_lists_every_rule(demo: dict[str, Any]) -> None:
    request_id, _ = _new(demo, demo["prospects"][0], "https://www.tallyro.com/mx/nomina/", "aquí")
    data = json.loads(run(*demo["base"], "request", "show", str(request_id), "--json").stdout)
    assert len(data["findings"]) == 13 and data["anchor_class"] == "generic"
