"""Listing prospects with filters, sorts and pages; stage changes with history and audit."""

from __future__ import annotations

import pytest

from outreach.core import audit
from outreach.core.prospect_list import (
    METRICS,
    SORTS,
    ProspectQuery,
    as_row,
    change_stage,
    get_prospect,
    history,
    list_prospects,
)
from outreach.errors import NotFoundError, ProspectError
from tests.core.conftest import FIXTURES, Env


@pytest.fixture
def listed(env: Env) -> Env:
    """A market with the Ahrefs and own-format fixtures imported, and one in another market."""
    env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    env.import_file(FIXTURES / "outreach_prospects.csv")
    env.import_file(FIXTURES / "moz_domains.csv", market="es-AR")
    return env


def domains(env: Env, query: ProspectQuery) -> list[str]:
    """Domains of the page the query returns."""
    with env.session() as session:
        return [p.domain for p in list_prospects(session, env.campaign_id, query).prospects]


@pytest.mark.parametrize(("query", "expected"), [
    pytest.param(ProspectQuery("es-AR"), ["contabilidad-hoy.com.ar"], id="market"),
    pytest.param(ProspectQuery("es-MX", sort="-dr", limit=3),
                 ["finanzasglobales.com", "elnorte-economia.com.mx", "startupnews.io"], id="metric-desc"),
    pytest.param(ProspectQuery("es-MX", sort="dr", limit=2),
                 ["noticiastijuana.mx", "contadorespyme.mx"], id="metric-asc"),
    pytest.param(ProspectQuery("es-MX", text="RAMÍREZ"), ["contadorespyme.mx", "diariodelbajio.com.mx"],
                 id="text-in-contact"),
    pytest.param(ProspectQuery("es-MX", text="pymes"), ["pymesdigitales.es"], id="text-in-domain"),
    pytest.param(ProspectQuery("es-MX", locality="global"),
                 ["finanzasglobales.com", "pymesdigitales.es"], id="locality"),
    pytest.param(ProspectQuery("es-MX", offset=6, limit=5), ["pymesdigitales.es", "startupnews.io"],
                 id="last-page"),
    pytest.param(ProspectQuery("es-MX", stages=("won",)), [], id="stage"),
])
def test_queries(listed: Env, query: ProspectQuery, expected: list[str]) -> None:
    assert domains(listed, query) == expected


def test_pages_know_the_total(listed: Env) -> None:
    with listed.session() as session:
        page = list_prospects(session, listed.campaign_id, ProspectQuery("es-MX", limit=2))
    assert (len(page.prospects), page.total) == (2, 8)


@pytest.mark.parametrize(("query", "message"), [
    (ProspectQuery("es-MX", sort="colour"), "cannot sort by 'colour'"),
    (ProspectQuery("es-MX", stages=("done",)), "unknown stage 'done'"),
])
def test_bad_queries_are_explained(listed: Env, query: ProspectQuery, message: str) -> None:
    with pytest.raises(ProspectError, match=message), listed.session() as session:
        list_prospects(session, listed.campaign_id, query)


def test_stage_changes_keep_history_and_audit(listed: Env) -> None:
    with listed.session() as session:
        pid = list_prospects(session, listed.campaign_id, ProspectQuery("es-AR")).prospects[0].id or 0
        change_stage(session, pid, "qualified", actor="ana", reason="DR fits")
        change_stage(session, pid, "qualified", actor="ana")
        change_stage(session, pid, "pitched", actor="luis")
    with listed.session() as session:
        assert get_prospect(session, pid).stage == "pitched"
        assert [(e.kind, e.actor, e.detail) for e in history(session, pid)][1:] == [
            ("stage", "ana", {"from": "new", "to": "qualified", "reason": "DR fits"}),
            ("stage", "luis", {"from": "qualified", "to": "pitched"})]
        entries = audit.entries(session, object_type="prospect", object_id=str(pid))
        assert [(e.action, e.detail["to"]) for e in entries] == [("prospect.stage", "pitched"),
                                                                 ("prospect.stage", "qualified")]


def test_unknown_stages_and_prospects_are_refused(listed: Env) -> None:
    with listed.session() as session:
        with pytest.raises(ProspectError, match="unknown stage 'sent'"):
            change_stage(session, 1, "sent", actor="a")
        with pytest.raises(NotFoundError, match="no prospect 9999"):
            change_stage(session, 9999, "won", actor="a")


def test_rows_carry_everything_the_listing_shows(listed: Env) -> None:
    with listed.session() as session:
        prospect = list_prospects(session, listed.campaign_id, ProspectQuery("es-MX", text="bajío")).prospects
        row = as_row(prospect[0]) if prospect else {}
    assert {key: row.get(key) for key in ("domain", "outlet", "contact", "country", "country_source",
                                          "language", "language_source", "locality", "source_type",
                                          "stage", "dedupe_cluster")} == {
        "domain": "diariodelbajio.com.mx", "outlet": "Diario del Bajío", "contact": "Lucía Ramírez",
        "country": "MX", "country_source": "cctld", "language": "es", "language_source": "cctld",
        "locality": "local", "source_type": "press", "stage": "new", "dedupe_cluster": None}


@pytest.mark.parametrize("sort", [*SORTS, *METRICS, *(f"-{name}" for name in (*SORTS, *METRICS))])
def test_every_sort_key_works(listed: Env, sort: str) -> None:
    with listed.session() as session:
        page = list_prospects(session, listed.campaign_id, ProspectQuery("es-MX", sort=sort))
    assert page.total == 8 and len(page.prospects) == 8
