"""Market priorities: weighted ranking with reasons, launch waves, and thresholds from data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach.core.campaign import Campaign
from outreach.core.plan_keywords import summarise_keywords
from outreach.core.plan_markets import Supply, launch_sequence, local_supply, meets, rank_markets
from outreach.core.plan_thresholds import MIN_SAMPLE, distribution, nice_floor, quantile, suggest, suggestions
from outreach.errors import ImportFileError
from tests.campaigns import base_campaign, changed
from tests.core.conftest import FIXTURES, Env, write_csv_text


def _campaign(mx: dict[str, Any], es: dict[str, Any], weights: dict[str, float] | None = None) -> Campaign:
    data = changed(changed(base_campaign(), "markets.es-MX.planning", mx), "markets.es-ES.planning", es)
    if weights:
        data = changed(data, "planning", {"weights": weights})
    return Campaign.model_validate(data)


PEOPLE = {"reviewers": ["R"], "staff": ["A", "B"]}


@pytest.mark.parametrize(("mx", "es", "weights", "supplies", "first", "reason"), [
    # More searches wins when all else is equal.
    ({"search_volume": 9000, "competitiveness": 40, **PEOPLE},
     {"search_volume": 3000, "competitiveness": 40, **PEOPLE}, None, {}, "es-MX", "100% of the largest"),
    # An easier niche beats a slightly bigger one when competitiveness weighs most.
    ({"search_volume": 10000, "competitiveness": 80, **PEOPLE},
     {"search_volume": 9000, "competitiveness": 20, **PEOPLE},
     {"volume": 0.2, "competitiveness": 0.8}, {}, "es-ES", "keyword difficulty 20/100"),
    # No native reviewer: resources score 0, the other market leads.
    ({"search_volume": 5000, "competitiveness": 50, "staff": ["A"]},
     {"search_volume": 5000, "competitiveness": 50, **PEOPLE}, None, {}, "es-ES", "1 native reviewer"),
    # A mature local ecosystem decides between otherwise equal markets.
    ({"search_volume": 5000, "competitiveness": 50, **PEOPLE},
     {"search_volume": 5000, "competitiveness": 50, **PEOPLE}, None,
     {"es-ES": Supply(60, 55, {"press", "trade", "association", "blogger"})}, "es-ES", "55 of 60"),
])
def test_ranking(mx: dict[str, Any], es: dict[str, Any], weights: dict[str, float] | None,
                 supplies: dict[str, Supply], first: str, reason: str) -> None:
    ranked = rank_markets(_campaign(mx, es, weights), supplies)
    assert ranked[0].tag == first
    assert ranked[0].role == "pilot" and ranked[1].role == "wave 1"
    assert any(reason in score.why for score in ranked[0].scores)
    assert ranked[0].total > ranked[1].total


def test_equal_markets_keep_campaign_priority_and_missing_inputs_are_named() -> None:
    campaign = Campaign.model_validate(changed(base_campaign(), "markets.es-ES.priority", 2))
    ranked = rank_markets(campaign, {})
    assert [item.tag for item in ranked] == ["es-MX", "es-ES"]
    assert ranked[0].total == 0.0
    assert ranked[0].missing == ["volume", "competitiveness"]
    assert launch_sequence(ranked) == "pilot: es-MX, then wave 1: es-ES"


def test_weighted_total_is_the_normalised_sum() -> None:
    campaign = _campaign({"search_volume": 1000, "competitiveness": 25, **PEOPLE},
                         {"search_volume": 500, "competitiveness": 75}, {"volume": 1, "competitiveness": 1})
    ranked = {item.tag: item for item in rank_markets(campaign, {})}
    assert ranked["es-MX"].total == pytest.approx((1.0 + 0.75) / 2)
    assert ranked["es-ES"].total == pytest.approx((0.5 + 0.25) / 2)


def test_weights_are_validated(write_campaign: Any) -> None:
    with pytest.raises(ValueError, match="at least one weight"):
        Campaign.model_validate(changed(base_campaign(), "planning", {"weights": {"volume": 0}}))


def test_ecosystem_is_measured_from_local_contactable_prospects(env: Env) -> None:
    env.import_file(FIXTURES.parent.parent / "prospects" / "es-MX.csv")
    with env.session() as session:
        supply = local_supply(session, env.campaign, env.campaign_id)["es-MX"]
    minimum = env.campaign.rules_for("es-MX").quality.min
    assert 0 < supply.above_threshold <= supply.local
    assert len(supply.source_types) >= 3
    assert meets({"dr": 25}, minimum) and not meets({"dr": 5}, minimum) and not meets({}, minimum)


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([1, 2, 3, 4, 5], 0.25, 2.0), ([1, 2, 3, 4, 5], 0.5, 3.0), ([10, 20], 0.25, 12.5), ([7], 0.9, 7.0),
])
def test_quantile_matches_linear_interpolation(values: list[float], share: float, expected: float) -> None:
    assert quantile(values, share) == expected


@pytest.mark.parametrize(("metric", "value", "expected"), [
    ("dr", 37.4, 35.0), ("da", 40.0, 40.0), ("traffic", 1834, 1800.0), ("traffic", 7.8, 7.0),
    ("traffic", 123456, 120000.0),
])
def test_nice_floor(metric: str, value: float, expected: float) -> None:
    assert nice_floor(metric, value) == expected


def test_threshold_follows_each_market_own_distribution() -> None:
    small = [float(value) for value in range(10, 50)]      # a small market: DR 10-49
    large = [float(value) for value in range(40, 80)]      # a large one: DR 40-79
    low, high = suggest("es-AR", "dr", small, 20), suggest("es-ES", "dr", large, 20)
    assert (low.suggested, high.suggested) == (15.0, 45.0)
    assert low.keeps == 35 and high.keeps == 35
    assert "keeps 35 of 40" in low.why
    assert low.distribution is not None and low.distribution.median == 29.5
    assert sum(count for *_, count in low.distribution.bins) == 40


def test_too_few_prospects_gives_no_suggestion() -> None:
    found = suggest("es-MX", "dr", [30.0] * (MIN_SAMPLE - 1), 20)
    assert found.suggested is None and f"need {MIN_SAMPLE}" in found.why


def test_distribution_of_equal_values_has_one_full_bin() -> None:
    spread = distribution([5.0, 5.0, 5.0])
    assert spread.bins[0][2] == 3 and spread.minimum == spread.maximum == 5.0


def test_suggestions_read_the_store(env: Env) -> None:
    env.import_file(FIXTURES.parent.parent / "prospects" / "es-MX.csv")
    with env.session() as session:
        found = {item.metric: item for item in suggestions(session, env.campaign, env.campaign_id, "es-MX")}
    assert found["dr"].current == 20 and found["dr"].distribution is not None


def test_keyword_export_gives_volume_and_weighted_difficulty() -> None:
    summary = summarise_keywords(FIXTURES / "competitors" / "keywords_es-MX.csv")
    assert (summary.keywords, summary.volume) == (4, 34000)
    expected = (42 * 8100 + 35 * 2900 + 18 * 1000 + 60 * 22000) / 34000
    assert summary.difficulty == pytest.approx(round(expected, 1))


def test_keyword_export_errors_name_file_and_row(tmp_path: Path) -> None:
    bad = write_csv_text(tmp_path, "kw.csv", "Keyword,Volume\nnómina,lots\n")
    with pytest.raises(ImportFileError, match=r"kw.csv: row 2: Volume"):
        summarise_keywords(bad)
    with pytest.raises(ImportFileError, match="no search volume column"):
        summarise_keywords(write_csv_text(tmp_path, "k2.csv", "Keyword,CPC\nx,1\n"))
