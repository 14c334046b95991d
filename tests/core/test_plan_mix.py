"""Competitor mix: fixture exports classified local/global, compared per URL version, gap prospects."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import placements
from outreach.core.models import CompetitorSource, Placement, Prospect
from outreach.core.plan_competitors import competitor_name, import_all, import_competitor
from outreach.core.plan_gap import add_gap_prospects
from outreach.core.plan_mix import Mix, advise, gap_domains, nearest_ratio, suggested_rule
from outreach.errors import ImportFileError
from tests.core.conftest import FIXTURES, Env, write_csv_text

COMPETITORS = FIXTURES / "competitors"
FILES = [("nominapro", COMPETITORS / "nominapro.csv"), ("facturafacil", COMPETITORS / "facturafacil.csv")]


def _import(env: Env) -> None:
    with env.session() as session:
        import_all(session, env.campaign, env.campaign_id, "es-MX", FILES, "lead")


def test_exports_are_classified_by_locality_language_and_country(env: Env) -> None:
    with env.session() as session:
        ahrefs = import_competitor(session, env.campaign, env.campaign_id, "es-MX", *FILES[0], "lead")
        semrush = import_competitor(session, env.campaign, env.campaign_id, "es-MX", *FILES[1], "lead")
        rows = {row.domain: row for row in session.exec(select(CompetitorSource).where(
            CompetitorSource.competitor == "facturafacil"))}
    assert (ahrefs.rows, ahrefs.domains, ahrefs.localities) == (9, 9, {"local": 6, "global": 2, "unknown": 1})
    assert semrush.localities == {"local": 3, "global": 1, "unknown": 2}
    assert [(bad.row, bad.field) for bad in semrush.bad_rows] == [(8, "domain")]
    # Semrush's Country is the hosting country: never the audience's (elnorte is hosted in the US).
    assert (rows["elnorte-economia.com.mx"].country, rows["elnorte-economia.com.mx"].country_source) == ("MX", "cctld")
    assert rows["blogcontable.com.co"].locality == "unknown"  # .co is a generic ccTLD
    assert rows["expansion-negocios.es"].locality == "global"


def test_reimport_replaces_one_competitor_only(env: Env) -> None:
    _import(env)
    _import(env)
    with env.session() as session:
        rows = list(session.exec(select(CompetitorSource)))
    assert len(rows) == 9 + 6


def test_competitor_mix_next_to_ours_per_url_version(env: Env) -> None:
    _import(env)
    page = env.campaign.market("es-MX").pages[0]
    with env.session() as session:
        placements.record(session, Placement(
            campaign_id=env.campaign_id, market="es-MX", page_url=page.url, source_url="https://a.com/x",
            source_domain="a.com", anchor="Tallyro", anchor_class="branded", locality="global",
            found_on=date(2026, 10, 1)), "lead")
        advice = {item.page: item for item in advise(session, env.campaign, env.campaign_id, "es-MX")}
    mine = advice[page.url]
    assert mine.share == pytest.approx(0.75)           # both competitors are 3/4 local
    assert (mine.rule, mine.ratio) == ("local-first", Fraction(3, 4))
    assert mine.words == "three quarters local, one quarter global"
    assert mine.ours.localities["global"] == 1 and mine.ours.local_share == 0.0
    assert set(mine.competitors) == {"nominapro", "facturafacil"}


@pytest.mark.parametrize(("share", "rule", "ratio"), [
    (0.75, "local-first", Fraction(3, 4)), (0.66, "local-first", Fraction(2, 3)),
    (0.6, "local-first", Fraction(3, 5)), (0.5, "balanced", Fraction(1, 2)),
    (0.41, "balanced", Fraction(2, 5)), (0.3, "global-first", Fraction(1, 3)), (0.0, "global-first", Fraction(0)),
])
def test_suggested_rule_and_ratio(share: float, rule: str, ratio: Fraction) -> None:
    assert (suggested_rule(share), nearest_ratio(share)) == (rule, ratio)


def test_mix_without_known_localities_has_no_share() -> None:
    assert Mix().local_share is None


def test_gap_domains_link_to_several_competitors_and_not_to_us(env: Env) -> None:
    _import(env)
    with env.session() as session:
        session.add(Placement(campaign_id=env.campaign_id, market="es-MX",
                              page_url=env.campaign.market("es-MX").pages[0].url,
                              source_url="https://pymesdigitales.com.mx/a", source_domain="pymesdigitales.com.mx",
                              anchor="Tallyro", anchor_class="branded", locality="local", found_on=date(2026, 10, 1)))
        session.flush()
        found = gap_domains(session, env.campaign_id, "es-MX")
        assert [gap.domain for gap in found] == ["elnorte-economia.com.mx", "expansion-negocios.es",
                                                 "saasworldnews.com"]
        assert found[0].competitors == ("facturafacil", "nominapro")
        result = add_gap_prospects(session, env.campaign, env.campaign_id, "es-MX", "lead")
    assert (result.new, len(result.found)) == (3, 3)
    with env.session() as session:
        added = {row.domain: row for row in session.exec(select(Prospect).where(Prospect.market == "es-MX"))}
    assert added["elnorte-economia.com.mx"].locality == "local"
    assert added["saasworldnews.com"].country_source == "unknown"


def test_competitor_file_without_domains_is_refused_and_nothing_lands(env: Env, tmp_path: Path) -> None:
    broken = write_csv_text(tmp_path, "x.csv", "Keyword,Volume\nnómina,10\n")
    with pytest.raises(ImportFileError, match=r"x\.csv"), env.session() as session:
        import_all(session, env.campaign, env.campaign_id, "es-MX", [FILES[0], ("x", broken)], "lead")
    with env.session() as session:
        assert list(session.exec(select(CompetitorSource))) == []


def test_competitor_names() -> None:
    assert competitor_name("rival=exports/a.csv") == ("rival", Path("exports/a.csv"))
    assert competitor_name("exports/rival.com.csv") == ("rival.com", Path("exports/rival.com.csv"))
