"""`verify` politeness against real HTTP servers: robots.txt Crawl-delay, and robots.txt at every redirect hop."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time

import httpx
import pytest
from sqlmodel import select

from outreach.core import linkcheck
from outreach.core.linkcheck import VerifySummary
from outreach.core.linkcheck_fetch import USER_AGENT, FetchSettings, Job, crawl, fetch_all
from outreach.core.models import Placement
from tests.placements.conftest import NOMINA, PageServer, Route, World, page

FAST = FetchSettings(timeout=2, per_host=2, concurrency=8)
LINK = f'<a href="{NOMINA}">Tallyro</a>'


def _pages(server: PageServer, robots: str, count: int = 3) -> list[str]:
    """Serve robots.txt and `count` pages with the link; their URLs."""
    server.routes["/robots.txt"] = Route(robots)
    for number in range(count):
        server.routes[f"/p{number}"] = Route(page(LINK))
    return [server.url(f"/p{number}") for number in range(count)]


def _fetch(urls: list[str], settings: FetchSettings = FAST) -> dict[str, tuple[str, int, str | None, str | None]]:
    """(outcome, redirects, final URL, error) per fetched URL."""
    results = asyncio.run(fetch_all([Job(n, url, NOMINA) for n, url in enumerate(urls)], settings))
    return {urls[r.job.placement_id]: (r.outcome, r.redirects, r.final_url, r.error) for r in results}


def test_a_crawl_delay_spaces_every_request_to_its_site(world: World, page_server: PageServer) -> None:
    for url in _pages(page_server, "User-agent: *\nCrawl-delay: 1\n"):
        world.place(url)
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    assert summary.statuses == {"ok": 3}
    assert sorted(path for path, _ in page_server.times) == ["/p0", "/p1", "/p2", "/robots.txt"]
    arrivals = [at for _, at in page_server.times]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(arrivals))
    assert page_server.peak == 1
    assert summary.paced == {page_server.base: 1.0} and summary.refused == {}
    assert summary.pace_line() == f"slowed by Crawl-delay: {page_server.base} 1 s"


def test_a_crawl_delay_for_another_agent_does_not_slow_us(page_server: PageServer) -> None:
    urls = _pages(page_server, "User-agent: slowbot\nCrawl-delay: 30\n\nUser-agent: *\nDisallow: /private/\n")
    run = asyncio.run(crawl([Job(n, url, NOMINA) for n, url in enumerate(urls)], FAST))
    assert [fetched.outcome for fetched in run.fetched] == ["ok"] * 3
    assert run.paced == {} and run.refused == {}


def test_a_site_asking_for_too_long_a_delay_is_skipped_with_why(world: World, page_server: PageServer,
                                                                 other_server: PageServer) -> None:
    slow = _pages(page_server, "User-agent: outreach-linkcheck\nCrawl-delay: 3600\n", count=2)
    quick = _pages(other_server, "User-agent: *\nDisallow:\n", count=1)
    for url in slow + quick:
        world.place(url)
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST)
    assert summary.statuses == {"robots-blocked": 2, "ok": 1}
    checks = _errors(world)
    assert checks[slow[0]] == checks[slow[1]] == (
        f"robots.txt of {page_server.base} asks for 3600 s between requests, over the 60 s limit: site not checked")
    assert [path for path, _ in page_server.seen] == ["/robots.txt"]
    assert summary.refused == {page_server.base: 3600.0} and summary.paced == {}
    assert summary.pace_line() == f"Crawl-delay too long, not checked: {page_server.base} 3600 s"


def _errors(world: World) -> dict[str, str | None]:
    """The latest check's error per source URL."""
    with world.store.transaction() as session:
        latest = linkcheck.latest_checks(session, world.campaign_id)
        return {placement.source_url: latest[placement.id or 0].error
                for placement in session.exec(select(Placement))}


def test_cancelling_during_a_crawl_delay_stops_the_wait(world: World, page_server: PageServer) -> None:
    for url in _pages(page_server, "User-agent: *\nCrawl-delay: 59\n"):
        world.place(url)
    cancel = threading.Event()

    def cancel_once_robots_is_read() -> None:
        while not page_server.seen:
            time.sleep(0.01)
        cancel.set()

    watcher = threading.Thread(target=cancel_once_robots_is_read)
    watcher.start()
    summary = linkcheck.verify(world.store, world.campaign, world.campaign_id, settings=FAST, cancel=cancel)
    watcher.join()
    assert (summary.checked, summary.skipped) == (0, 3)
    assert [path for path, _ in page_server.seen] == ["/robots.txt"]


def test_a_redirect_to_a_site_whose_robots_disallows_the_page_is_blocked(
        page_server: PageServer, other_server: PageServer) -> None:
    page_server.routes.update({
        "/robots.txt": Route("User-agent: *\nDisallow:\n"),
        "/jump": Route("", 302, {"Location": other_server.url("/private/page")})})
    other_server.routes.update({
        "/robots.txt": Route("User-agent: outreach-linkcheck\nDisallow: /private/\n"),
        "/private/page": Route(page(LINK))})
    found = _fetch([page_server.url("/jump")])
    assert found == {page_server.url("/jump"): (
        "robots-blocked", 1, None,
        f"robots.txt of {other_server.base} disallows {other_server.url('/private/page')}")}
    assert [path for path, _ in other_server.seen] == ["/robots.txt"]


def test_a_redirect_onto_a_site_asking_for_too_long_a_delay_is_blocked(
        page_server: PageServer, other_server: PageServer) -> None:
    page_server.routes.update({"/robots.txt": Route(""),
                               "/jump": Route("", 301, {"Location": other_server.url("/nota")})})
    other_server.routes.update({"/robots.txt": Route("User-agent: *\nCrawl-delay: 61\n"),
                                "/nota": Route(page(LINK))})
    outcome, hops, _, error = _fetch([page_server.url("/jump")])[page_server.url("/jump")]
    assert (outcome, hops) == ("robots-blocked", 1)
    assert error == f"robots.txt of {other_server.base} asks for 61 s between requests, over the 60 s limit: " \
                    "site not checked"
    assert [path for path, _ in other_server.seen] == ["/robots.txt"]


def test_a_redirect_within_a_site_to_a_disallowed_path_is_blocked(page_server: PageServer) -> None:
    page_server.routes.update({
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n"),
        "/moved": Route("", 301, {"Location": "/private/page"}), "/private/page": Route(page(LINK))})
    outcome, hops, _, error = _fetch([page_server.url("/moved")])[page_server.url("/moved")]
    assert (outcome, hops) == ("robots-blocked", 1) and error and "/private/page" in error
    assert "/private/page" not in [path for path, _ in page_server.seen]


def _chain(first: PageServer, second: PageServer) -> None:
    """first/one → second/two → first/ok (relative), plus first/loop → itself."""
    for server in (first, second):
        server.routes["/robots.txt"] = Route("User-agent: *\nDisallow: /private/\n")
    first.routes.update({
        "/one": Route("", 301, {"Location": second.url("/two")}), "/ok": Route(page(LINK)),
        "/loop": Route("", 307, {"Location": "/loop"}), "/gone": Route("", 302, {"Location": "/nothing"})})
    second.routes["/two"] = Route("", 308, {"Location": first.url("/ok")})


def _httpx_follows(url: str, max_redirects: int) -> tuple[int, str, int] | str:
    """What httpx's own redirect following gives: (hops, final URL, status), or the error."""
    with httpx.Client(max_redirects=max_redirects, headers={"User-Agent": USER_AGENT}) as client:
        try:
            response = client.get(url, follow_redirects=True)
        except httpx.TooManyRedirects as exc:
            return f"TooManyRedirects: {exc}"
        return len(response.history), str(response.url), response.status_code


@pytest.mark.parametrize("path", ["/one", "/loop", "/gone", "/ok"])
def test_hop_by_hop_redirects_record_what_httpx_following_them_records(
        page_server: PageServer, other_server: PageServer, path: str) -> None:
    _chain(page_server, other_server)
    url = page_server.url(path)
    settings = FetchSettings(timeout=2, max_redirects=3)
    outcome, hops, final, error = _fetch([url], settings)[url]
    expected = _httpx_follows(url, 3)
    if isinstance(expected, str):
        assert (outcome, error) == ("error", expected)
        assert [p for p, _ in page_server.seen].count("/loop") == 2 * (1 + 3)  # ours, then httpx's
    else:
        assert (hops, final) == expected[:2]
        assert outcome == ("ok" if expected[2] < 400 else "http-error")
    if path == "/one":
        assert expected == (2, page_server.url("/ok"), 200)


@pytest.mark.parametrize(("paced", "refused", "line"), [
    ({}, {}, ""),
    ({"https://b.mx": 2.0, "https://a.mx": 1.5}, {}, "slowed by Crawl-delay: https://a.mx 1.5 s, https://b.mx 2 s"),
    ({"https://a.mx": 5.0}, {"https://z.mx": 600.0},
     "slowed by Crawl-delay: https://a.mx 5 s; Crawl-delay too long, not checked: https://z.mx 600 s"),
], ids=["none", "paced", "paced-and-refused"])
def test_the_pace_line_names_each_slowed_or_skipped_site(paced: dict[str, float], refused: dict[str, float],
                                                         line: str) -> None:
    assert VerifySummary(paced=paced, refused=refused).pace_line() == line
