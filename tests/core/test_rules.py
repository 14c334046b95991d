"""Every rule of the gate, table-driven, against a real store; the seeds' own examples included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.findings import Verdict
from outreach.core.gate_inputs import TemplateState
from outreach.core.store import Store
from tests.campaigns import changed, gate_campaign
from tests.core.gate_world import NOW, SITE, World

Build = Callable[[World], int]


def _exact_mix(world: World) -> int:
    world.placements("/mx/nomina/", 11)
    world.placements("/mx/nomina/", 2, anchor_class="exact", keyword="software de nómina")
    return world.request(world.prospect(), "/mx/nomina/", "software de nómina")


def _spain_leaning(world: World) -> int:
    world.placements("/mx/nomina/", 1, locality="local")
    world.placements("/mx/nomina/", 5, locality="global")
    spanish = world.prospect(domain="diario.es", email="ana@diario.es", country="ES", locality="global")
    return world.request(spanish, "/mx/nomina/", "Nominix")


def _cooldown_across_campaigns(world: World) -> int:
    other = load_campaign_from(world, changed(gate_campaign(), "campaign.id", "other-campaign"))
    old = other.prospect(domain="medio.com.mx", email="luis@medio.com.mx")
    other.request(old, "/mx/nomina/", "Nominix", approved_days_ago=30, pitched_days_ago=23)
    return world.request(world.prospect(domain="medio.com.mx", email="ana@medio.com.mx"), "/mx/nomina/",
                         "Nominix")


def load_campaign_from(world: World, data: dict[str, Any]) -> World:
    """A second campaign in the same store."""
    import tomli_w

    folder = world.campaign.source.parent.parent / data["campaign"]["id"]
    folder.mkdir(exist_ok=True)
    (folder / "campaign.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return World(world.store, load_campaign(folder))


def _weekly(world: World) -> int:
    for week in range(1, 9):
        world.placements("/mx/nomina/", 1, days_ago=7 * week + 1)
    world.placements("/mx/nomina/", 3, days_ago=2)
    return world.request(world.prospect(), "/mx/nomina/", "Nominix")


def _swamp(world: World) -> int:
    world.placements("/es/nominas/", 8, days_ago=5)
    world.placements("/mx/nomina/", 1, days_ago=5)
    world.placements("/ar/sueldos/", 1, days_ago=5)
    return world.request(world.prospect("es-ES", domain="revista.es", email="a@revista.es", country="ES"),
                         "/es/nominas/", "Nominix")


def _repeat(world: World, es_keyword: str) -> int:
    world.placements("/es/nominas/", 1, anchor_class="exact", keyword=es_keyword)
    world.placements("/mx/nomina/", 30)
    return world.request(world.prospect(), "/mx/nomina/", "software de nómina")


def _requests_this_week(world: World, count: int) -> None:
    for _ in range(count):
        world.request(world.prospect(), "/mx/nomina/", "Nominix", approved_days_ago=2)


def _tiny_caps(build: Build) -> tuple[dict[str, Any], Build]:
    """A case run with caps of 2 requests a week and 1 placement a week in es-MX."""
    velocity = {"requests_7d": 2, "placements_7d": 1}
    return {"markets.es-MX.rules": {"velocity": velocity}}, build


def _ramp_case() -> tuple[dict[str, Any], Build]:
    launched = (NOW - timedelta(days=10)).date()

    def build(world: World) -> int:
        _requests_this_week(world, 2)
        return world.request(world.prospect(), "/mx/nomina/", "Nominix")

    return {"markets.es-MX.launched": launched}, build


def _with_email(**fields: Any) -> Build:
    return lambda world: world.request(world.prospect(**fields), "/mx/nomina/", "Nominix")


def _dnc(kind: str, value: str, **fields: Any) -> Build:
    def build(world: World) -> int:
        world.dnc(kind, value)
        return world.request(world.prospect(**fields), "/mx/nomina/", "Nominix")
    return build


def _suppressed(kind: str, value: str) -> Build:
    def build(world: World) -> int:
        world.suppress(kind, value)
        return world.request(world.prospect(email="gone@medio.com.mx"), "/mx/nomina/", "Nominix")
    return build


def _plain(path: str, anchor: str = "Nominix", market: str = "es-MX", context: str | None = None,
           **fields: Any) -> Build:
    return lambda world: world.request(world.prospect(market, **fields), path, anchor, context=context)


# name → (campaign patch, build, rule, verdict, text the message must contain)
CASES: dict[str, tuple[dict[str, Any], Build, str, Verdict, str]] = {
    "own declared page": ({}, _plain("/mx/nomina/"), "target-version", Verdict.PASS,
                          "is es-MX's own version (https://www.site.com/mx/)"),
    "root-domain target on a subfolder site": (
        {}, _plain("https://www.site.com/"), "target-version", Verdict.BLOCK,
        "https://www.site.com/ is outside every market version (the root or a global page): "
        "it does not reach es-MX's version https://www.site.com/mx/"),
    "another market's version": (
        {}, _plain("/es/nominas/"), "target-version", Verdict.BLOCK,
        "https://www.site.com/es/nominas/ is es-ES's version (https://www.site.com/es/)"),
    "undeclared page in own version": (
        {}, _plain("/mx/precios/"), "target-version", Verdict.WARN, "not a declared target page"),
    "off the client site": ({}, _plain("https://other.mx/mx/"), "target-version", Verdict.BLOCK,
                            "is not on the client site"),
    "language matches": ({}, _plain("/mx/nomina/"), "language-match", Verdict.PASS,
                         "writes in 'es' (explicit), as the page"),
    "prospect writes Portuguese": (
        {}, _plain("/mx/nomina/", language="pt", language_source="cctld"), "language-match", Verdict.BLOCK,
        "writes in 'pt' (cctld) but es-MX /mx/nomina/ is in 'es'"),
    "unknown language warns": ({}, _plain("/mx/nomina/", language=None, language_source="unknown"),
                               "language-match", Verdict.WARN, "language is unknown"),
    "unknown language can be set to block": (
        {"rules.language_match.unknown": "block"}, _plain("/mx/nomina/", language=None),
        "language-match", Verdict.BLOCK, "language is unknown"),
    "English context on a Spanish page": (
        {}, _plain("/mx/nomina/", context="We reviewed the best payroll tools for small firms this year"),
        "language-match", Verdict.BLOCK, "the context around the anchor is in 'en' but es-MX /mx/nomina/ is in 'es'"),
    "exact match over the cap": ({}, _exact_mix, "anchor-mix", Verdict.BLOCK,
                                 "exact-match anchors on es-MX /mx/nomina/ would be 3 of 14 (21%) > cap 10%"),
    "exact match over the warning line": (
        {}, lambda w: (w.placements("/mx/nomina/", 14), w.request(w.prospect(), "/mx/nomina/",
                                                                   "nómina en línea"))[1],
        "anchor-mix", Verdict.WARN, "would be 1 of 15 (7%) > cap 5%"),
    "too few branded anchors": (
        {}, lambda w: (w.placements("/mx/nomina/", 4, anchor_class="partial"),
                       w.request(w.prospect(), "/mx/nomina/", "haz clic aquí"))[1],
        "anchor-mix", Verdict.WARN, "branded + naked-URL anchors on es-MX /mx/nomina/ would be 0 of 5 (0%) < 50%"),
    "branded anchor passes": ({}, _plain("/mx/nomina/"), "anchor-mix", Verdict.PASS, "branded anchor"),
    "Madrid anchor on a Mexico page": (
        {}, _plain("/mx/nomina/", anchor="software de nómina para empresas de Madrid"), "anchor-geo",
        Verdict.BLOCK, "names Madrid (city of es-ES), not of es-MX's country MX"),
    "campaign city of another market": (
        {}, _plain("/es/nominas/", anchor="nóminas en Monterrey", market="es-ES", country="ES"),
        "anchor-geo", Verdict.BLOCK, "names Monterrey (city of es-MX)"),
    "ambiguous Guadalajara on a Spain page": (
        {}, _plain("/es/nominas/", anchor="gestoría en Guadalajara", market="es-ES", country="ES"),
        "anchor-geo", Verdict.PASS, "name no other market's"),
    "ambiguous Córdoba on a Mexico page": (
        {}, _plain("/mx/nomina/", anchor="nómina para pymes de Córdoba"), "anchor-geo", Verdict.PASS, ""),
    "another market's currency in the context": (
        {}, _plain("/mx/nomina/", context="Calcula sueldos en pesos argentinos con Nominix"), "anchor-geo",
        Verdict.BLOCK, 'context "Calcula sueldos en pesos argentinos con Nominix" names pesos argentinos '
                       "(currency of es-AR)"),
    "euro is fine on a German page": (
        {}, _plain("/de/lohn/", anchor="Lohnabrechnung in Euro", market="de-DE", language="de", country="DE"),
        "anchor-geo", Verdict.PASS, ""),
    "translated exact anchor repeated": (
        {}, lambda w: _repeat(w, "programa de nóminas"), "anchor-exact-repeat", Verdict.WARN,
        "already the anchor on 1 other version(s) of cluster payroll (es-ES)"),
    "different exact keywords per version": (
        {}, lambda w: _repeat(w, "nóminas online"), "anchor-exact-repeat", Verdict.PASS, ""),
    "Spain-leaning links swamping es-MX": (
        {}, _spain_leaning, "local-mix", Verdict.BLOCK,
        "local sources on es-MX /mx/nomina/ would be 1 of 7 (14%) < 60% for local-first; this is a global source"),
    "small sample only warns": (
        {}, lambda w: (w.placements("/mx/nomina/", 1, locality="global"),
                       w.request(w.prospect(locality="global"), "/mx/nomina/", "Nominix"))[1],
        "local-mix", Verdict.WARN, "(only 2 links; blocks from 5)"),
    "a local source always helps": ({}, lambda w: (w.placements("/mx/nomina/", 6, locality="global"),
                                                   w.request(w.prospect(), "/mx/nomina/", "Nominix"))[1],
                                    "local-mix", Verdict.PASS, ""),
    "global-first page full of local links": (
        {}, lambda w: (w.placements("/mx/isr/", 5, locality="local"),
                       w.request(w.prospect(), "/mx/isr/", "Nominix"))[1],
        "local-mix", Verdict.BLOCK, "would be 6 of 6 (100%) > 40% for global-first"),
    "requests over the weekly cap": (
        *_tiny_caps(lambda w: (_requests_this_week(w, 2), w.request(w.prospect(), "/mx/nomina/", "Nominix"))[1]),
        "velocity", Verdict.BLOCK, "requests in es-MX over the last 7 days would be 3 > cap 2"),
    "placements at the weekly cap": (
        *_tiny_caps(lambda w: (w.placements("/mx/nomina/", 1, days_ago=3),
                               w.request(w.prospect(), "/mx/nomina/", "Nominix"))[1]),
        "velocity", Verdict.BLOCK, "placements in es-MX over the last 7 days are 1, at cap 1"),
    "new market past its ramp": (
        *_ramp_case(), "velocity", Verdict.BLOCK,
        "ramp: es-MX is on day 11 since launch (2026-11-10); the plan allows 2 links by day 30 and this would make 3"),
    "weekly spike": ({}, _weekly, "velocity", Verdict.WARN,
                     "spike: 4 links in es-MX this week > 3x the trailing 8-week median (1)"),
    "pace within caps": ({}, _plain("/mx/nomina/"), "velocity", Verdict.PASS, "within caps"),
    "Spain taking most Spanish links": (
        {}, _swamp, "one-language-swamp", Verdict.WARN,
        "es-ES would have 9 of 11 (82%) of new 'es' links in 30 days (es-AR 1, es-MX 1) > ceiling 60%"),
    "only German market": ({}, _plain("/de/lohn/", market="de-DE", language="de", country="DE"),
                           "one-language-swamp", Verdict.PASS, "the only 'de' market"),
    "below the quality threshold": ({}, _plain("/mx/nomina/", metrics={"dr": 15}), "quality", Verdict.BLOCK,
                                    "DR 15 < 20 (es-MX threshold)"),
    "per-market threshold": ({"markets.de-DE.rules": {"quality": {"min": {"dr": 30}}}},
                             _plain("/de/lohn/", market="de-DE", language="de", metrics={"dr": 25}),
                             "quality", Verdict.BLOCK, "DR 25 < 30 (de-DE threshold)"),
    "missing metric warns": ({}, _plain("/mx/nomina/", metrics={"traffic": 900}), "quality", Verdict.WARN,
                             "has no DR"),
    "meets the threshold": ({}, _plain("/mx/nomina/"), "quality", Verdict.PASS, "DR 40 ≥ 20"),
    "pitched in another campaign 23 days ago": (
        {}, _cooldown_across_campaigns, "cooldown", Verdict.BLOCK,
        "medio.com.mx was pitched 23 days ago (request #1, campaign other-campaign); cooldown 90 days"),
    "in another open request": (
        {}, lambda w: (w.request(w.prospect(domain="m.com.mx", email="a@m.com.mx"), "/mx/nomina/", "Nominix",
                                 approved_days_ago=1),
                       w.request(w.prospect(domain="m.com.mx", email="b@m.com.mx"), "/mx/nomina/", "Nominix"))[1],
        "cooldown", Verdict.BLOCK, "m.com.mx is in open request #1 (approved, campaign gate)"),
    "pitched long ago": (
        {}, lambda w: (w.request(w.prospect(domain="m.com.mx", email="a@m.com.mx"), "/mx/nomina/", "Nominix",
                                 approved_days_ago=130, pitched_days_ago=120),
                       w.request(w.prospect(domain="m.com.mx", email="b@m.com.mx"), "/mx/isr/", "Nominix"))[1],
        "cooldown", Verdict.PASS, "not pitched in the last 90 days"),
    "address on the list": ({}, _dnc("email", "ana@medio.com.mx", email="ana@medio.com.mx"),
                            "do-not-contact", Verdict.BLOCK, "ana@medio.com.mx is on the do-not-contact list"),
    "parent domain on the list": ({}, _dnc("domain", "medio.com.mx", domain="blog.medio.com.mx"),
                                  "do-not-contact", Verdict.BLOCK, "domain medio.com.mx is on the do-not-contact list"),
    "subdomain on the list": ({}, _dnc("domain", "blog.medio.com.mx", domain="medio.com.mx",
                                       host="blog.medio.com.mx"),
                              "do-not-contact", Verdict.BLOCK, "domain blog.medio.com.mx is on the do-not-contact list"),
    "sibling subdomain is not listed": ({}, _dnc("domain", "tienda.medio.com.mx", domain="medio.com.mx",
                                                 host="blog.medio.com.mx"),
                                        "do-not-contact", Verdict.PASS, "not on the do-not-contact list"),
    "prospect marked do-not-contact": ({}, _plain("/mx/nomina/", do_not_contact=True), "do-not-contact",
                                       Verdict.BLOCK, "is marked do-not-contact: it can never be pitched"),
    "no email address": ({}, _with_email(email=None), "email", Verdict.BLOCK, "has no email address"),
    "invalid address": ({}, _with_email(email="ana@@medio"), "email", Verdict.BLOCK, "is not a valid address"),
    "suppressed address": ({}, _suppressed("email", "gone@medio.com.mx"), "email", Verdict.BLOCK,
                           "gone@medio.com.mx is suppressed"),
    "suppressed domain": ({}, _suppressed("domain", "medio.com.mx"), "email", Verdict.BLOCK, "is suppressed"),
    "valid address": ({}, _plain("/mx/nomina/"), "email", Verdict.PASS, "is valid and not suppressed"),
    "accepted ramp plan replaces the default ramp": (
        {"markets.es-MX.launched": (NOW - timedelta(days=10)).date(),
         "markets.es-MX.ramp": [{"page": f"{SITE}/mx/nomina/", "period": 1, "local": 1, "global": 0}]},
        lambda w: (_requests_this_week(w, 1), w.request(w.prospect(), "/mx/nomina/", "Nominix"))[1],
        "velocity", Verdict.BLOCK,
        "the accepted ramp plan allows 1 links by day 30 and this would make 2"),
    "planned local share narrows the band": (
        {"markets.es-MX.pages[0].local_share": 0.9},
        lambda w: (w.placements("/mx/nomina/", 7), w.placements("/mx/nomina/", 2, locality="global"),
                   w.request(w.prospect(country="ES", locality="global"), "/mx/nomina/", "Nominix"))[2],
        "local-mix", Verdict.BLOCK, "would be 7 of 10 (70%) < 80% for the planned 90% local"),
    "rule switched off": ({"markets.es-MX.rules": {"quality": {"enabled": False}}},
                          _plain("/mx/nomina/", metrics={"dr": 1}), "quality", Verdict.PASS, "switched off"),
}


def _patched(patch: dict[str, Any]) -> dict[str, Any]:
    data = gate_campaign()
    for key, value in patch.items():
        data = changed(data, key, value)
    return data


@pytest.mark.parametrize("name", CASES)
def test_rule(name: str, write_campaign: Any, sqlite_url: str) -> None:
    patch, build, rule, verdict, text = CASES[name]
    world = World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(_patched(patch))))
    finding = world.findings(build(world))[rule]
    assert (finding.verdict, text in finding.message) == (verdict, True), finding.message


def test_every_rule_reports_once_in_order(write_campaign: Any, sqlite_url: str) -> None:
    world = World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(gate_campaign())))
    found = world.findings(world.request(world.prospect(), "/mx/nomina/", "Nominix"))
    assert list(found) == [
        "target-version", "language-match", "anchor-mix", "anchor-geo", "anchor-exact-repeat", "local-mix",
        "velocity", "one-language-swamp", "quality", "cooldown", "do-not-contact", "template", "email"]
    assert {finding.verdict for finding in found.values()} == {Verdict.PASS}


@pytest.mark.parametrize(("state", "verdict", "text"), [
    (None, Verdict.BLOCK, "no 'pitch' template found for es-MX"),
    (TemplateState(False, "es-MX", "es-MX/pitch changed since its approval: needs review"), Verdict.BLOCK,
     "needs review"),
    (TemplateState(True, "es-419", "es-419/pitch approved (fallback for es-MX)"), Verdict.PASS, "fallback"),
])
def test_template_rule(state: TemplateState | None, verdict: Verdict, text: str,
                       write_campaign: Any, sqlite_url: str) -> None:
    world = World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(gate_campaign())))
    world.templates = lambda campaign, pairs: {pair: state for pair in pairs if state is not None}
    finding = world.findings(world.request(world.prospect(), "/mx/nomina/", "Nominix"))["template"]
    assert finding.verdict is verdict and text in finding.message


def test_an_approved_request_is_not_counted_twice(write_campaign: Any, sqlite_url: str) -> None:
    world = World(Store.open(sqlite_url, "tester"), load_campaign(write_campaign(gate_campaign())))
    world.placements("/mx/nomina/", 9)
    request_id = world.request(world.prospect(), "/mx/nomina/", "software de nómina", approved_days_ago=1)
    finding = world.findings(request_id)["anchor-mix"]
    assert "would be 1 of 10 (10%)" in finding.message
