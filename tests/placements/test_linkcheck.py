"""`verify` against a real HTTP server: link found or lost, rel, noindex, canonical, redirects, robots."""

from __future__ import annotations

import threading

from sqlmodel import col, select

from outreach.core import linkcheck, tally
from outreach.core.linkcheck_fetch import USER_AGENT, FetchSettings
from outreach.core.linkcheck_page import read_page
from outreach.core.models import LinkChange, LinkCheck, Placement
from tests.placements.conftest import NOMINA, PageServer, Route, World, page

FAST = FetchSettings(timeout=0.5, per_host=2, concurrency=8)
LINK = f'<a href="{NOMINA}">Tallyro</a>'


def _serve(server: PageServer) -> None:
    server.routes.update({
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n"),
        "/ok": Route(page(LINK)),
        "/nofollow": Route(page(f'<a rel="nofollow sponsored" href="{NOMINA}">Tallyro</a>')),
        "/missing": Route(page('<a href="https://otro.com/">otro</a>')),
        "/noindex": Route(page(LINK, head='<meta name="ROBOTS" content="noindex, follow">')),
        "/canonical": Route(page(LINK, head='<link rel="canonical" href="/elsewhere">')),
        "/moved": Route("", 301, {"Location": "/ok"}),
        "/gone": Route("no", 404),
        "/private/page": Route(page(LINK)),
        "/slow": Route(page(LINK), delay=2.0),
        "/anchor": Route(page(f'<a href="{NOMINA.rstrip("/")}">software de nómina</a>')),
    })


def _checks(world: World) -> dict[str, LinkCheck]:
    with world.store.transaction() as session:
        latest = linkcheck.latest_checks(session, world.campaign_id)
        sources = {row.id: row.source_url for row in session.exec(select(Placement))}
    return {sources[pid].rsplit("/", 1)[-1]: check for pid, check in latest.items()}


def _changes(world: World) -> list[tuple[str, str]]:
    with world.store.transaction() as session:
        rows = session.exec(select(LinkChange, Placement).join(Placement).order_by(col(LinkChange.id))).all()
        return [(placement.source_url.rsplit("/", 1)[-1], change.kind) for change, placement in rows]


def test_each_fixture_page_gets_its_status_and_changes(world: World, page_server: PageServer) -> None:
    _serve(page_server)
    for path in ("/ok", "/nofollow", "/missing", "/noindex", "/canonical", "/moved", "/gone",
                 "/private/page", "/slow", "/anchor"):
        world.place(page_server.url(path))
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, "es-MX", settings=FAST)
    checks = _checks(world)
    assert {name: check.status for name, check in checks.items()} == {
        "ok": "ok", "nofollow": "nofollow", "missing": "missing", "noindex": "noindex",
        "canonical": "canonical-elsewhere", "moved": "ok", "gone": "http-error", "page": "robots-blocked",
        "slow": "timeout", "anchor": "ok"}
    assert summary.checked == 10 and summary.statuses["ok"] == 3
    assert checks["moved"].redirects == 1 and checks["moved"].final_url == page_server.url("/ok")
    assert checks["nofollow"].rel == "nofollow sponsored"
    assert checks["canonical"].canonical == page_server.url("/elsewhere")
    assert checks["gone"].http_status == 404 and not checks["gone"].link_found
    assert sorted(_changes(world)) == sorted([
        ("nofollow", "nofollow"), ("missing", "lost"), ("moved", "redirected"), ("gone", "lost"),
        ("anchor", "anchor-changed")])
    assert ("/private/page", USER_AGENT) not in page_server.seen
    assert {agent for _, agent in page_server.seen} == {USER_AGENT}


def test_placements_follow_the_changes_and_tallies_stay_exact(world: World, page_server: PageServer) -> None:
    _serve(page_server)
    ids = {path: world.place(page_server.url(path)) for path in ("/missing", "/nofollow", "/anchor", "/ok")}
    linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    with world.store.transaction() as session:
        rows = {path: session.get(Placement, pid) for path, pid in ids.items()}
        assert rows["/missing"].status == "lost"
        assert rows["/nofollow"].rel == "sponsored"
        assert (rows["/anchor"].anchor, rows["/anchor"].anchor_class) == ("software de nómina", "exact")
        assert tally.counted(session, world.campaign_id) == tally.recount(session, world.campaign_id)
        assert sum(tally.counted(session, world.campaign_id).profile.values()) == 3


def test_a_second_run_records_only_new_changes_and_a_link_can_come_back(
        world: World, page_server: PageServer) -> None:
    _serve(page_server)
    world.place(page_server.url("/missing"))
    world.place(page_server.url("/moved"))
    linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    page_server.routes["/missing"] = Route(page(LINK))
    second = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    assert [change.kind for change in second.changes] == ["restored"]
    assert sorted(kind for _, kind in _changes(world)) == ["lost", "redirected", "restored"]
    with world.store.transaction() as session:
        assert {row.status for row in session.exec(select(Placement))} == {"live"}
        assert len(session.exec(select(LinkCheck)).all()) == 4


def test_requests_per_host_stay_bounded(world: World, page_server: PageServer) -> None:
    for number in range(12):
        page_server.routes[f"/p{number}"] = Route(page(LINK), delay=0.05)
        world.place(page_server.url(f"/p{number}"))
    progress: list[tuple[int, int]] = []
    settings = FetchSettings(per_host=2, concurrency=10, timeout=5)
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=settings,
                               progress=lambda done, total: progress.append((done, total)))
    assert summary.statuses["ok"] == 12
    assert page_server.peak <= 2
    assert progress[-1] == (12, 12) and len(progress) == 12


def test_a_cancelled_run_skips_what_it_had_not_started(world: World, page_server: PageServer) -> None:
    for number in range(6):
        page_server.routes[f"/p{number}"] = Route(page(LINK))
        world.place(page_server.url(f"/p{number}"))
    cancel = threading.Event()

    def stop_after_two(done: int, total: int) -> None:
        if done >= 2:
            cancel.set()

    settings = FetchSettings(per_host=1, concurrency=1, timeout=5)
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=settings,
                               progress=stop_after_two, cancel=cancel)
    assert (summary.checked, summary.skipped) == (2, 4)
    with world.store.transaction() as session:
        assert len(session.exec(select(LinkCheck)).all()) == 2


def test_robots_that_cannot_be_read_forbid_the_site(world: World, page_server: PageServer) -> None:
    page_server.routes.update({"/robots.txt": Route("down", 503), "/ok": Route(page(LINK))})
    world.place(page_server.url("/ok"))
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    assert summary.statuses == {"robots-blocked": 1}
    assert [path for path, _ in page_server.seen] == ["/robots.txt"]


def test_an_unreachable_host_is_an_error_not_a_loss(world: World) -> None:
    world.place("http://127.0.0.1:9/nothing")
    world.place("http://127.0.0.1:9/other")
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    assert summary.statuses == {"error": 2}
    assert summary.changes == []
    checks = _checks(world)
    assert checks["nothing"].error.startswith("robots.txt unreachable: ConnectError")
    with world.store.transaction() as session:
        assert {row.status for row in session.exec(select(Placement))} == {"live"}


def test_page_facts_for_relative_links_home_pages_and_images() -> None:
    html = ('<a href="/mx/nomina">no</a><a rel="UGC" href="https://WWW.tallyro.com/mx/nomina/?utm=x#top">'
            '<img alt="Tallyro logo"></a><a href="https://tallyro.com">home</a>')
    facts = read_page(html, "https://www.tallyro.com/blog/", NOMINA)
    assert (facts.link_found, facts.anchor, facts.rel, facts.rel_kind) == (True, "no", "", "follow")
    other = read_page(html, "https://blog.mx/a", "https://www.tallyro.com/")
    assert (other.anchor, other.rel_kind) == ("home", "follow")
    image = read_page(html.split("<a href=\"https://tallyro.com\">")[0].replace('<a href="/mx/nomina">no</a>', ""),
                      "https://blog.mx/a", NOMINA)
    assert (image.anchor, image.rel_kind) == ("Tallyro logo", "ugc")
    assert read_page("<p>nada</p>", "https://blog.mx/a", NOMINA, "noindex").noindex
