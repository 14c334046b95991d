"""Ramp plans: seed 001's 90-day example, competitor-shaped shares, campaign.toml writes, reviews."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from outreach.core import placements
from outreach.core.campaign import Campaign
from outreach.core.campaign_edit import edit_campaign, set_threshold
from outreach.core.campaign_file import load_campaign
from outreach.core.models import LinkRequest, Placement
from outreach.core.plan_ramp import generate, market_totals, target_share, write_ramp
from outreach.core.plan_review import apply_review, progress, review
from outreach.core.store import Store
from outreach.errors import CampaignError
from tests.campaigns import base_campaign, changed

SEED_PLAN = [(2, 0), (1, 2), (2, 1)]
"""Seed 001: days 1-30 two local links; 31-60 one more local and one or two global; 61-90 grow
whichever responds while keeping at least 60% local (5 local of 8 = 62.5%)."""


def test_the_seed_90_day_example_for_a_one_page_market() -> None:
    campaign = Campaign.model_validate(base_campaign())
    ramp = generate(campaign.market("es-MX"), {})
    assert [(period.period, period.local, period.global_) for period in ramp.periods] == [
        (number, local, global_) for number, (local, global_) in enumerate(SEED_PLAN, start=1)]
    assert ramp.periods[0].anchors == {"branded": 1, "naked-url": 1}  # brand or neutral first
    local = sum(period.local for period in ramp.periods)
    assert local / sum(period.links for period in ramp.periods) >= 0.6
    assert [period.until_day for period in ramp.periods] == [30, 60, 90]
    for period in ramp.periods:
        assert sum(period.anchors.values()) == period.links


@pytest.mark.parametrize(("share", "expected"), [
    (0.6, SEED_PLAN), (2 / 3, SEED_PLAN), (0.75, [(2, 0), (2, 1), (2, 1)]),
    (0.9, [(2, 0), (2, 1), (3, 0)]), (0.3, [(2, 0), (0, 3), (0, 3)]), (0.5, [(2, 0), (1, 2), (1, 2)]),
])
def test_period_totals_follow_the_planned_share(share: float, expected: list[tuple[int, int]]) -> None:
    assert market_totals(share) == expected


@pytest.mark.parametrize(("mix", "competitors", "share"), [
    ("local-first", None, 0.6), ("local-first", 0.45, 0.6), ("local-first", 0.8, 0.8),
    ("balanced", 0.8, 0.6), ("balanced", 0.45, 0.45), ("global-first", 0.7, 0.4), ("global-first", None, 0.3),
])
def test_target_share_respects_the_mix_rule(mix: str, competitors: float | None, share: float) -> None:
    assert target_share(mix, competitors)[0] == pytest.approx(share)


def test_later_pages_start_a_period_later() -> None:
    data = changed(base_campaign(), "markets.es-MX.pages", [
        {"url": "https://www.site.com/mx/nomina/", "cluster": "payroll"},
        {"url": "https://www.site.com/mx/isr/", "mix": "global-first"}])
    ramp = generate(Campaign.model_validate(data).market("es-MX"), {"https://www.site.com/mx/isr/": 0.2})
    second = [(p.period, p.local, p.global_) for p in ramp.periods if p.page.endswith("/isr/")]
    assert second == [(2, 2, 0), (3, 0, 3)]
    assert "competitors are 20% local; global-first keeps 20%" in ramp.why


def _workspace(write_campaign: Any, **patch: Any) -> Path:
    data = base_campaign()
    for key, value in patch.items():
        data = changed(data, key, value)
    return Path(write_campaign(data))


def test_accepted_ramp_is_written_and_read_back_as_cumulative_caps(write_campaign: Any) -> None:
    folder = _workspace(write_campaign)
    (folder / "campaign.toml").write_text("# the lead's comment stays\n" + (folder / "campaign.toml").read_text())
    campaign = load_campaign(folder)
    edited = edit_campaign(folder, write_ramp("es-MX", generate(campaign.market("es-MX"), {}).periods))
    assert [(step.until_day, step.links) for step in edited.market("es-MX").ramp_steps] == [
        (30, 2), (60, 5), (90, 8)]
    text = (folder / "campaign.toml").read_text()
    assert text.startswith("# the lead's comment stays")
    assert tomllib.loads(text)["markets"]["es-MX"]["ramp"][1]["global"] == 2


def test_an_edit_that_would_break_the_campaign_leaves_the_file_alone(write_campaign: Any) -> None:
    folder = _workspace(write_campaign)
    before = (folder / "campaign.toml").read_text()
    campaign = load_campaign(folder)
    periods = generate(campaign.market("es-MX"), {}).periods
    with pytest.raises(CampaignError, match=r"ramp: .* is not one of es-ES.s pages"):
        edit_campaign(folder, write_ramp("es-ES", periods))
    with pytest.raises(CampaignError, match=r"markets\.fr-FR: no such market"):
        edit_campaign(folder, set_threshold("fr-FR", "dr", 30, {}))
    assert (folder / "campaign.toml").read_text() == before


def test_threshold_write_keeps_the_other_minimums(write_campaign: Any) -> None:
    folder = _workspace(write_campaign)
    edited = edit_campaign(folder, set_threshold("es-MX", "traffic", 1500, {"dr": 20.0}))
    assert edited.rules_for("es-MX").quality.min == {"dr": 20.0, "traffic": 1500.0}
    edited = edit_campaign(folder, set_threshold("es-MX", "dr", 35, {}))
    assert edited.rules_for("es-MX").quality.min == {"dr": 35.0, "traffic": 1500.0}


def test_a_period_planned_twice_is_an_error() -> None:
    period = {"page": "https://www.site.com/mx/nomina/", "period": 1, "local": 1}
    with pytest.raises(ValueError, match=r"period 1 of .* is planned twice"):
        Campaign.model_validate(changed(base_campaign(), "markets.es-MX.ramp", [period, period]))


TODAY = date(2026, 11, 20)
LAUNCH = TODAY - timedelta(days=40)   # day 41: the second period


class Review:
    """A launched es-MX with the seed ramp accepted, in a real store."""

    def __init__(self, store: Store) -> None:
        data = changed(base_campaign(), "markets.es-MX.launched", LAUNCH)
        campaign = Campaign.model_validate(data)
        periods = [period.model_dump(by_alias=True) for period in generate(campaign.market("es-MX"), {}).periods]
        self.campaign = Campaign.model_validate(changed(data, "markets.es-MX.ramp", periods))
        self.store = store
        self.campaign_id = store.campaign_id(self.campaign)
        self.page = self.campaign.market("es-MX").pages[0].url

    def placement(self, days_after_launch: int, locality: str = "local", country: str | None = "MX") -> None:
        with self.store.transaction() as session:
            placements.record(session, Placement(
                campaign_id=self.campaign_id, market="es-MX", page_url=self.page,
                source_url=f"https://s{days_after_launch}{locality}{country}.com/a",
                source_domain=f"s{days_after_launch}{locality}{country}.com", anchor="Site",
                anchor_class="branded", locality=locality, country=country,
                found_on=LAUNCH + timedelta(days=days_after_launch)), "tester")

    def requests(self, states: list[str]) -> None:
        from outreach.core.models import Prospect
        with self.store.transaction() as session:
            for number, state in enumerate(states):
                prospect = Prospect(campaign_id=self.campaign_id, market="es-MX", identity=f"p{number}|",
                                    domain=f"p{number}.com.mx")
                session.add(prospect)
                session.flush()
                assert prospect.id is not None
                session.add(LinkRequest(campaign_id=self.campaign_id, market="es-MX", prospect_id=prospect.id,
                                        page_url=self.page, anchor="Site", anchor_class="branded",
                                        template="pitch", state=state, locality="local", created_by="t"))

    def run(self, wrong_country: bool = False) -> Any:
        with self.store.transaction() as session:
            return review(session, self.campaign, self.campaign_id, "es-MX", TODAY, wrong_country)


@pytest.fixture
def world(any_url: str) -> Review:
    return Review(Store.open(any_url, "tester"))


def test_progress_counts_placements_per_page_and_period(world: Review) -> None:
    world.placement(3)
    world.placement(35, "global", "US")
    with world.store.transaction() as session:
        rows = {row.period: row for row in progress(session, world.campaign.market("es-MX"), world.campaign_id)}
    assert (rows[1].actual["local"], rows[2].actual["global"], rows[1].planned_links) == (1, 1, 2)
    assert rows[2].start == LAUNCH + timedelta(days=30)


def test_a_responding_market_on_plan_speeds_up(world: Review) -> None:
    for day in (2, 5, 31, 33, 36):
        world.placement(day)
    world.requests(["sent", "sent", "replied", "won", "lost", "sent"])
    result = world.run()
    assert (result.action, result.day, result.planned_to_date, result.actual_to_date) == ("speed up", 41, 5, 5)
    assert "2/6 pitches answered (33%)" in result.why
    assert [(p.period, p.local, p.global_) for p in result.next_periods] == [(3, 3, 1)]
    ramp = apply_review(world.campaign.market("es-MX"), result)
    assert [(p.period, p.local) for p in ramp] == [(1, 2), (2, 1), (3, 3)]


def test_a_market_behind_plan_holds(world: Review) -> None:
    world.placement(2)
    world.requests(["replied"] * 6)
    result = world.run()
    assert (result.action, result.next_periods) == ("hold", ())
    assert "behind plan: 1/5" in result.why


def test_links_from_another_market_country_slow_it_down(world: Review) -> None:
    world.placement(25)
    world.placement(30, country="ES")
    world.placement(32, country="ES")
    result = world.run()
    assert result.action == "slow down" and result.foreign_share == pytest.approx(2 / 3)
    assert [(p.period, p.local, p.global_) for p in result.next_periods] == [(3, 2, 0)]


def test_the_lead_can_flag_the_wrong_country(world: Review) -> None:
    result = world.run(wrong_country=True)
    assert result.action == "slow down" and "the lead reports it" in result.why


def test_a_market_without_a_ramp_is_asked_to_plan(any_url: str) -> None:
    store = Store.open(any_url, "tester")
    campaign = Campaign.model_validate(base_campaign())
    with store.transaction() as session:
        result = review(session, campaign, store.campaign_id(campaign), "es-MX", TODAY)
    assert result.action == "plan" and "outreach plan ramp" in result.why
