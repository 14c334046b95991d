"""A request before it is stored: the gate's live verdict (nothing written), the pitch, approval."""

from __future__ import annotations

import pytest
from sqlmodel import select

from outreach.core import requests, review
from outreach.core.findings import Verdict
from outreach.core.models import AuditEntry, LinkRequest, Prospect
from outreach.core.request_drafts import (
    Draft,
    approve_stored,
    check_draft,
    check_stored,
    numbers_line,
    pitch_preview,
)
from outreach.core.templates import Renderer
from outreach.errors import GateBlocked, RequestError
from tests.core.conftest import Env

PAGE = "https://www.tallyro.com/mx/nomina/"


@pytest.fixture
def prospects(env: Env) -> list[int]:
    """A strong and a weak Mexican prospect; the es-MX pitch and subject approved."""
    ids = []
    with env.session() as session:
        for number, (domain, dr) in enumerate((("pymesaldia.com.mx", 38), ("nominahoy.mx", 12)), start=1):
            row = Prospect(campaign_id=env.campaign_id, market="es-MX", identity=f"{domain}|", domain=domain,
                           email=f"redaccion{number}@{domain}", outlet=f"Medio {number}", contact_name="Ana Torres",
                           first_name="Ana", language="es", language_source="explicit", country="MX",
                           locality="local", metrics={"dr": dr})
            session.add(row)
            session.flush()
            ids.append(row.id)
        renderer = Renderer(env.campaign)
        for template in ("subject", "pitch"):
            review.approve(session, renderer, "es-MX", template, "Lucía")
    return ids


def audit_count(env: Env) -> int:
    with env.session() as session:
        return len(session.exec(select(AuditEntry)).all())


def test_a_draft_gets_the_verdict_a_stored_request_would_and_writes_nothing(env: Env, prospects: list[int]) -> None:
    before = audit_count(env)
    with env.session() as session:
        verdict = check_draft(session, env.campaign, env.campaign_id, Draft(prospects[1], PAGE, "Tallyro"))
    assert verdict.anchor_class == "branded" and verdict.verdict is Verdict.BLOCK
    quality = next(finding for finding in verdict.findings if finding.rule == "quality")
    assert "DR 12 < 20" in quality.message and "12" in numbers_line(quality)
    assert audit_count(env) == before
    with env.session() as session:
        assert session.exec(select(LinkRequest)).all() == []
        stored = requests.create(session, env.campaign, env.campaign_id, prospect_id=prospects[1], page_url=PAGE,
                                 anchor="Tallyro", actor="tester")
        again = check_stored(session, env.campaign, env.campaign_id, stored)
    assert [(f.rule, f.verdict, f.message) for f in again] == \
        [(f.rule, f.verdict, f.message) for f in verdict.findings]


def test_an_empty_anchor_is_refused(env: Env, prospects: list[int]) -> None:
    with env.session() as session, pytest.raises(RequestError, match="anchor text is empty"):
        check_draft(session, env.campaign, env.campaign_id, Draft(prospects[0], PAGE, "  "))


def test_the_pitch_preview_is_localised_for_the_prospect(env: Env, prospects: list[int]) -> None:
    with env.session() as session:
        message = pitch_preview(session, env.campaign, env.campaign_id, Draft(prospects[0], PAGE, "Tallyro"))
    assert message.market == "es-MX" and "Ana" in message.body and "Tallyro" in message.body


def test_approving_a_stored_draft_freezes_its_pitch_and_blocks_stop_it(env: Env, prospects: list[int]) -> None:
    with env.session() as session:
        good = requests.create(session, env.campaign, env.campaign_id, prospect_id=prospects[0], page_url=PAGE,
                               anchor="Tallyro", actor="tester")
        approve_stored(session, env.campaign, env.campaign_id, good, "maria")
        assert good.state == "approved" and good.subject and "Ana" in (good.body or "")
        weak = requests.create(session, env.campaign, env.campaign_id, prospect_id=prospects[1], page_url=PAGE,
                               anchor="Tallyro", actor="tester")
        with pytest.raises(GateBlocked, match="quality"):
            approve_stored(session, env.campaign, env.campaign_id, weak, "maria")
