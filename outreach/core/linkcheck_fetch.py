"""Fetching source pages politely: async httpx, bounded per host, robots.txt obeyed at every hop, timeouts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from outreach import __version__
from outreach.core.linkcheck_hosts import ROBOTS_AGENT as ROBOTS_AGENT
from outreach.core.linkcheck_hosts import Blocked, HostDown, Hosts, Stopped, origin_of
from outreach.core.linkcheck_page import PageFacts, read_page

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"outreach-linkcheck/{__version__} (+link placement verification)"
"""Names the tool to site owners; robots.txt rules for `outreach-linkcheck` apply to it."""
MAX_BYTES = 2 * 1024 * 1024
"""Pages are read up to this size; a link further down a bigger page is not looked for."""


@dataclass(frozen=True)
class FetchSettings:
    """How hard a check run may hit the web."""

    concurrency: int = 16
    per_host: int = 2
    timeout: float = 15.0
    max_redirects: int = 10
    max_crawl_delay: float = 60.0
    """A site whose robots.txt asks for a longer Crawl-delay is not checked (robots-blocked, with why)."""


@dataclass(frozen=True)
class Job:
    """One page to check: the placement it belongs to, its URL and the target the link should point to."""

    placement_id: int
    source_url: str
    target_url: str


@dataclass(frozen=True)
class Fetched:
    """What fetching one job's page found (facts only when the page could be read)."""

    job: Job
    outcome: str
    """ok, robots-blocked, timeout, error, or http-error."""
    http_status: int | None = None
    final_url: str | None = None
    redirects: int = 0
    facts: PageFacts | None = None
    error: str | None = None


async def _read_body(response: httpx.Response) -> str:
    """The body as text, at most MAX_BYTES of it."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BYTES:
            break
    return b"".join(chunks)[:MAX_BYTES].decode(response.charset_encoding or "utf-8", errors="replace")


@dataclass(frozen=True)
class _Answer:
    """The last response of a redirect chain, its body read when it is a page."""

    final_url: str
    status: int
    robots_header: str
    body: str
    hops: int


async def _answer(response: httpx.Response, hops: int) -> _Answer:
    """The chain's last response, its body read unless it is an HTTP error."""
    body = await _read_body(response) if response.status_code < 400 else ""
    robots_header = response.headers.get("x-robots-tag", "")
    return _Answer(str(response.url), response.status_code, robots_header, body, hops)


async def _follow(client: httpx.AsyncClient, hosts: Hosts, job: Job,
                  cancel: threading.Event | None) -> _Answer:
    """GET the page hop by hop, each URL checked against its origin's robots.txt and paced first."""
    import httpx  # here, not at the top: the httpx package loads rich, which the core must not
    request, hops = client.build_request("GET", job.source_url), 0
    while True:
        url = str(request.url)
        await hosts.check(client, url, hops)
        async with hosts.turn(origin_of(url), cancel):
            response = await client.send(request, stream=True, follow_redirects=False)
            following = response.next_request
            try:
                if following is None:
                    return await _answer(response, hops)
            finally:
                await response.aclose()
        request, hops = following, hops + 1
        if hops > client.max_redirects:
            raise httpx.TooManyRedirects("Exceeded maximum allowed redirects.", request=request)


async def fetch_one(client: httpx.AsyncClient, hosts: Hosts, job: Job,
                    cancel: threading.Event | None = None) -> Fetched | None:
    """Fetch a job's page (robots.txt permitting) and read the link on it; None if cancelled first."""
    import httpx  # see _follow
    try:
        answer = await _follow(client, hosts, job, cancel)
    except Stopped:
        return None
    except Blocked as exc:
        return Fetched(job, "robots-blocked", redirects=exc.hops, error=str(exc))
    except httpx.TimeoutException:
        return Fetched(job, "timeout", error="no answer in time")
    except HostDown as exc:
        return Fetched(job, "error", error=str(exc))
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        return Fetched(job, "error", error=f"{type(exc).__name__}: {exc}"[:300])
    final, status, hops = answer.final_url, answer.status, answer.hops
    if status >= 400:
        return Fetched(job, "http-error", status, final, hops, error=f"HTTP {status}")
    facts = read_page(answer.body, final, job.target_url, answer.robots_header)
    return Fetched(job, "ok", status, final, hops, facts=facts)


Progress = Callable[[int, int], None]
"""Called with (done, total) after each page."""


@dataclass
class Crawl:
    """What a fetch run found: each started job's result and the sites' Crawl-delays."""

    fetched: list[Fetched] = field(default_factory=list)
    paced: dict[str, float] = field(default_factory=dict)
    """Origins fetched one request at a time, this many seconds apart, as their robots.txt asked."""
    refused: dict[str, float] = field(default_factory=dict)
    """Origins not fetched because their Crawl-delay exceeded the limit, and the delay they asked for."""


async def crawl(jobs: Sequence[Job], settings: FetchSettings | None = None, *,
                progress: Progress | None = None, cancel: threading.Event | None = None) -> Crawl:
    """Fetch every job's page; jobs not started when `cancel` is set are left out of the result."""
    import httpx  # see _follow
    settings = settings or FetchSettings()
    hosts = Hosts(settings.per_host, settings.max_crawl_delay, asyncio.Semaphore(settings.concurrency))
    done = Crawl()
    timeout = httpx.Timeout(settings.timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    async with httpx.AsyncClient(headers=headers, timeout=timeout, max_redirects=settings.max_redirects,
                                 limits=httpx.Limits(max_connections=settings.concurrency)) as client:
        async def run(job: Job) -> None:
            if cancel is not None and cancel.is_set():
                return
            fetched = await fetch_one(client, hosts, job, cancel)
            if fetched is None:
                return
            done.fetched.append(fetched)
            if progress is not None:
                progress(len(done.fetched), len(jobs))
        await asyncio.gather(*(run(job) for job in jobs))
    done.paced, done.refused = dict(hosts.delays), dict(hosts.refused)
    return done


async def fetch_all(jobs: Sequence[Job], settings: FetchSettings | None = None, *,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> list[Fetched]:
    """The results of `crawl`, without the sites' Crawl-delays."""
    return (await crawl(jobs, settings, progress=progress, cancel=cancel)).fetched
