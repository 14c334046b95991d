"""Request lifecycle: approval only past the gate, overrides with reasons, tallies kept exact."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlmodel import select

from outreach.core import audit, gate, placements, requests, tally
from outreach.core.campaign_file import load_campaign
from outreach.core.models import LinkRequest, Placement, RuleOverride
from outreach.core.store import Store
from outreach.errors import GateBlocked, RequestError
from tests.campaigns import gate_campaign
from tests.core.gate_world import NOW, World


@pytest.fixture
def world(write_campaign: Any, any_url: str) -> World:
    return World(Store.open(any_url, "tester"), load_campaign(write_campaign(gate_campaign())))




def approve(world: World, request_id: int) -> None:
    """Check and approve in one transaction, as the CLI does."""
    with world.store.transaction() as session:
        row = session.get(LinkRequest, request_id)
        assert row is not None
        findings = gate.check_one(session, world.campaign, world.campaign_id, row,
                                  templates=world.templates, now=NOW)
        requests.approve(session, row, findings, "maria", NOW)


def test_blocked_request_cannot_be_approved(world: World) -> None:
    request_id = world.request(world.prospect(), "https://www.site.com/", "Nominix")
    with pytest.raises(GateBlocked, match=r"block target-version: https://www.site.com/ is outside"):
        approve(world, request_id)
    with world.store.transaction() as session:
        assert session.get(LinkRequest, request_id).state == "draft"


def test_override_lets_a_block_through_and_is_audited(world: World) -> None:
    request_id = world.request(world.prospect(metrics={"dr": 12}), "/mx/nomina/", "Nominix")
    with world.store.transaction() as session:
        row = session.get(LinkRequest, request_id)
        requests.override(session, row, "quality", "Leading trade blog in Monterrey despite low DR", "maria")
    quality = world.findings(request_id)["quality"]
    assert quality.override is not None and not quality.blocks
    assert "overridden by maria: Leading trade blog in Monterrey despite low DR" in str(quality)
    approve(world, request_id)
    with world.store.transaction() as session:
        actions = [entry.action for entry in audit.entries(session, object_type="request")]
        assert actions[:3] == ["request.state", "request.override", "request.create"]
        assert session.get(LinkRequest, request_id).approved_by == "maria"


@pytest.mark.parametrize(("rule", "reason", "message"), [
    ("do-not-contact", "the editor asked us to write", "'do-not-contact' cannot be overridden"),
    ("template", "urgent", "'template' cannot be overridden"),
    ("quality", " ", "an override needs a reason"),
    ("anchor-magic", "because", "unknown rule 'anchor-magic'"),
])
def test_override_refusals(world: World, rule: str, reason: str, message: str) -> None:
    request_id = world.request(world.prospect(), "/mx/nomina/", "Nominix")
    with pytest.raises(RequestError, match=message), world.store.transaction() as session:
        requests.override(session, session.get(LinkRequest, request_id), rule, reason, "maria")
    with world.store.transaction() as session:
        assert session.exec(select(RuleOverride)).all() == []


def test_moves_follow_the_state_machine(world: World) -> None:
    request_id = world.request(world.prospect(), "/mx/nomina/", "Nominix")
    with pytest.raises(RequestError, match="use approve"), world.store.transaction() as session:
        requests.move(session, session.get(LinkRequest, request_id), "approved", "maria")
    with pytest.raises(RequestError, match="cannot go from draft to sent"), world.store.transaction() as s:
        requests.move(s, s.get(LinkRequest, request_id), "sent", "maria")


def test_won_request_becomes_a_placement(world: World) -> None:
    request_id = world.request(world.prospect(), "/mx/nomina/", "Nominix", approved_days_ago=3,
                               pitched_days_ago=2)
    with world.store.transaction() as session:
        row = session.get(LinkRequest, request_id)
        placement = requests.mark_won(session, row, source_url="https://www.medio1.com.mx/nota",
                                      actor="maria", found_on=NOW.date())
        assert (placement.source_domain, placement.anchor_class, placement.locality) == (
            "medio1.com.mx", "branded", "local")
        profiles = tally.page_profiles(session, world.campaign_id, ["https://www.site.com/mx/nomina/"],
                                       markets=["es-MX"])
        assert profiles["https://www.site.com/mx/nomina/"].classes["branded"] == 1


def test_tallies_always_equal_a_recount(world: World) -> None:
    """Random approvals, cancellations, wins and lost links never let the tallies drift."""
    chance = random.Random(7)
    ids = [world.request(world.prospect(locality=chance.choice(["local", "global"])),
                         chance.choice(["/mx/nomina/", "/mx/isr/"]),
                         chance.choice(["Nominix", "software de nómina", "aquí"]),
                         approved_days_ago=chance.randint(0, 40)) for _ in range(30)]
    with world.store.transaction() as session:
        for request_id in ids:
            row = session.get(LinkRequest, request_id)
            action = chance.choice(["keep", "cancel", "back", "win"])
            if action == "cancel":
                requests.move(session, row, "cancelled", "t")
            elif action == "back":
                requests.move(session, row, "draft", "t")
            elif action == "win":
                for state in ("scheduled", "sending", "sent"):
                    requests.move(session, row, state, "t")
                placement = requests.mark_won(session, row, source_url="https://x.mx/a", actor="t")
                if chance.random() < 0.5:
                    placements.set_status(session, placement, "lost", "t")
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)
        assert session.exec(select(Placement)).first() is not None


def test_rebuild_restores_drifted_tallies(world: World) -> None:
    world.placements("/mx/nomina/", 3)
    with world.store.transaction() as session:
        session.exec(select(Placement)).first()
        tally.bump(session, tally.Counted(world.campaign_id, "es-MX", "x", NOW.date(), "placement",
                                          "exact", "", "local"), 5)
        assert tally.counted(session, world.campaign_id) != tally.recount(session, world.campaign_id)
        tally.rebuild(session, world.campaign_id)
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)


def test_merging_prospects_keeps_their_requests(world: World) -> None:
    from outreach.core.prospect_merge import merge_prospects

    first = world.prospect(domain="diario.com.mx", email="ana@diario.com.mx", outlet="Diario")
    second = world.prospect(domain="diario.com.mx", email="ana@diario.com.mx", outlet=None,
                            identity="diario.com.mx|ana-dup")
    request_id = world.request(second, "/mx/nomina/", "Nominix", approved_days_ago=1)
    with world.store.transaction() as session:
        survivor = merge_prospects(session, world.campaign_id, world.campaign.market("es-MX"),
                                   [first, second], "tester")
    with world.store.transaction() as session:
        assert session.get(LinkRequest, request_id).prospect_id == survivor


def test_forgetting_a_contact_erases_its_requests_and_keeps_tallies_exact(world: World) -> None:
    from outreach.core.forget import forget

    contact = world.prospect(domain="diario.com.mx", email="ana@diario.com.mx")
    open_id = world.request(contact, "/mx/nomina/", "Nominix", approved_days_ago=2, pitched_days_ago=1)
    with world.store.transaction() as session:
        placement = requests.mark_won(session, session.get(LinkRequest, open_id),
                                      source_url="https://diario.com.mx/nota", actor="t")
        placement_id = placement.id
    draft_id = world.request(contact, "/mx/isr/", "aquí")
    with world.store.transaction() as session:
        requests.override(session, session.get(LinkRequest, draft_id), "quality", "a sound reason", "t")
    with world.store.transaction() as session:
        report = forget(session, "ana@diario.com.mx", actor="dpo")
        assert report.prospects == 1
    with world.store.transaction() as session:
        assert session.exec(select(LinkRequest)).all() == []
        assert session.exec(select(RuleOverride)).all() == []
        assert session.get(Placement, placement_id).request_id is None
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)
