"""Reports by market and URL version: anchors and locality against plan, velocity, funnel, quarters."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path

from outreach.core import placements
from outreach.core.models import LinkChange, LinkRequest, Placement, Prospect
from outreach.core.plan_settings import RampPeriod
from outreach.core.report_render import (
    CSV_COLUMNS,
    funnel_rows,
    locality_rows,
    rate_rows,
    to_html,
    to_json,
    to_markdown,
    velocity_rows,
    write_report_csv,
)
from outreach.core.reports import anchor_plan, gather_report, month_labels, quarter_of
from tests.placements.conftest import NOMINA, World

TODAY = date(2026, 11, 20)
ISR = "https://www.tallyro.com/mx/calculadora-isr/"
EVIL = '=HYPERLINK("x","<b>hi</b>")'


def _fill(world: World) -> None:
    world.place("https://a.com.mx/1", anchor="Tallyro", found_on=date(2026, 9, 3))
    world.place("https://b.com.mx/1", anchor="tallyro.com", found_on=date(2026, 10, 3))
    world.place("https://c.com/1", anchor="software de nómina", found_on=date(2026, 10, 9), locality="global")
    lost = world.place("https://d.com.mx/1", anchor="aquí", found_on=date(2026, 6, 1))
    world.place("https://e.com/1", page_url=ISR, anchor=EVIL, found_on=date(2026, 11, 2),
                locality="global")
    world.place("https://f.es/1", market="es-ES", page_url="https://www.tallyro.com/es/nominas/")
    with world.store.transaction() as session:
        placements.set_status(session, session.get(Placement, lost), "lost", "checker")
        session.add(LinkChange(placement_id=lost, campaign_id=world.campaign_id, market="es-MX",
                               at=datetime(2026, 10, 15, tzinfo=UTC), kind="lost", before="https://d.com.mx/1"))
        stages = ["new", "pitched", "new", "won"]
        states = [None, "sent", "replied", None]
        for number, (stage, state) in enumerate(zip(stages, states, strict=True)):
            prospect = Prospect(campaign_id=world.campaign_id, market="es-MX", identity=f"p{number}.mx|",
                                domain=f"p{number}.mx", stage=stage)
            session.add(prospect)
            session.flush()
            if state:
                session.add(LinkRequest(campaign_id=world.campaign_id, market="es-MX", prospect_id=prospect.id or 0,
                                        page_url=NOMINA, anchor="Tallyro", anchor_class="branded", state=state,
                                        template="pitch", created_by="ana"))


def _report(world: World) -> object:
    with world.store.transaction() as session:
        return gather_report(session, world.campaign, world.campaign_id, TODAY, ["es-MX"])


def test_versions_against_the_plan(world: World) -> None:
    _fill(world)
    market = _report(world).markets[0]
    nomina = market.versions[0]
    assert (nomina.url, nomina.live, nomina.lost) == (NOMINA, 3, 1)
    shares = {item.anchor_class: (item.links, item.share, item.planned) for item in nomina.anchors}
    assert shares["branded"] == (1, 1 / 3, 0.40) and shares["exact"] == (1, 1 / 3, 0.05)
    assert nomina.anchor_plan == "default mix"
    assert locality_rows(market)[0] == ["/mx/nomina/", 2, 1, 0, "67%", "60%–100% (local-first)", "on plan"]
    isr = next(v for v in market.versions if v.url == ISR)
    assert locality_rows(market)[2][-1] == "below plan" and isr.localities == {"global": 1}


def test_velocity_quarters_funnel_and_reply_rates(world: World) -> None:
    _fill(world)
    market = _report(world).markets[0]
    assert market.months[-1] == "2026-11" and len(market.months) == 12
    assert dict(zip(market.months, market.monthly, strict=True))["2026-10"] == 2
    assert market.cap_30d == 12
    assert market.quarters[-3:] == [("2026-Q2", 1, 0), ("2026-Q3", 1, 0), ("2026-Q4", 3, 1)]
    assert funnel_rows(market) == [["prospects", 4, "100%"], ["pitched", 3, "75%"], ["replied", 2, "50%"],
                                   ["won", 1, "25%"]]
    assert rate_rows(market) == [["pitch", "es-MX", 2, 1, "50%"]]
    assert [change.kind for change in market.changes] == ["lost"]


def test_the_plan_comes_from_an_accepted_ramp(world: World) -> None:
    market = world.campaign.market("es-MX")
    ramped = market.model_copy(update={"ramp": (
        RampPeriod(page=NOMINA, period=1, local=2, anchors={"branded": 1, "naked-url": 1}),
        RampPeriod(page=NOMINA, period=2, local=2, anchors={"branded": 1, "partial": 1}))})
    plan, source = anchor_plan(ramped, world.campaign.page(NOMINA))
    assert source == "accepted ramp"
    assert (plan["branded"], plan["naked-url"], plan["partial"], plan["exact"]) == (0.5, 0.25, 0.25, 0.0)


def test_calendar_helpers() -> None:
    assert month_labels(date(2026, 2, 10), 3) == ["2025-12", "2026-01", "2026-02"]
    assert [quarter_of(date(2026, m, 1)) for m in (1, 3, 4, 12)] == ["2026-Q1", "2026-Q1", "2026-Q2", "2026-Q4"]


def test_html_is_one_self_contained_file_with_charts(world: World) -> None:
    _fill(world)
    html = to_html(_report(world))
    assert html.startswith("<!doctype html>") and html.count("<svg") == 6
    for outside in ("<script", "src=", "href=", "@import", "url("):
        assert outside not in html
    assert "=HYPERLINK(&quot;x&quot;,&quot;&lt;b&gt;hi&lt;/b&gt;&quot;)" in html and "<b>hi" not in html
    assert "cap 12/30 days" in html


def test_markdown_and_json(world: World) -> None:
    _fill(world)
    report = _report(world)
    text = to_markdown(report)
    assert "### Anchor classes on /mx/nomina/ (default mix)" in text
    assert "| prospects | 4 | 100% |" in text
    data = json.loads(json.dumps(to_json(report)))
    market = data["markets"][0]
    assert market["market"] == "es-MX" and market["funnel"][3] == {"step": "won", "prospects": 1, "of all": "25%"}
    assert market["anchors /mx/nomina/"][0] == {"class": "branded", "links": 1, "share": "33%", "plan": "40%"}


def test_csv_cells_cannot_become_formulas(world: World, tmp_path: Path) -> None:
    _fill(world)
    path = tmp_path / "report.csv"
    count = write_report_csv(path, _report(world))
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == count and list(rows[0]) == ["market", "section", *CSV_COLUMNS]
    anchors = [row["anchor"] for row in rows if row["section"] == "Placements"]
    assert "'" + EVIL in anchors and EVIL not in anchors
    rates = [row for row in rows if row["section"] == "Reply rate per template and locale"]
    assert rates == [{**{name: "" for name in CSV_COLUMNS}, "market": "es-MX",
                      "section": "Reply rate per template and locale", "template": "pitch", "locale": "es-MX",
                      "sent": "2", "answered": "1", "rate": "50%"}]


def test_velocity_splits_over_url_versions(world: World) -> None:
    _fill(world)
    rows = {row[0]: row for row in velocity_rows(_report(world).markets[0])}
    assert rows["2026-10"] == ["2026-10", 2, "/mx/nomina/ 2"]
    assert rows["2026-11"] == ["2026-11", 1, "/mx/calculadora-isr/ 1"]
    assert rows["2026-08"] == ["2026-08", 0, ""]
