"""Fetching source pages politely: async httpx, bounded per host, robots.txt obeyed, timeouts."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from outreach import __version__
from outreach.core.linkcheck_page import PageFacts, read_page

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"outreach-linkcheck/{__version__} (+link placement verification)"
"""Names the tool to site owners; robots.txt rules for `outreach-linkcheck` apply to it."""
ROBOTS_AGENT = "outreach-linkcheck"
_FORBID_ALL = ("User-agent: *", "Disallow: /")
MAX_BYTES = 2 * 1024 * 1024
"""Pages are read up to this size; a link further down a bigger page is not looked for."""


@dataclass(frozen=True)
class FetchSettings:
    """How hard a check run may hit the web."""

    concurrency: int = 16
    per_host: int = 2
    timeout: float = 15.0
    max_redirects: int = 10


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


class _HostDown(Exception):
    """An origin already found unreachable in this run."""


@dataclass
class _Hosts:
    """Per-host semaphores and robots.txt parsers, created on first use."""

    per_host: int
    gates: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    robots: dict[str, RobotFileParser] = field(default_factory=dict)
    robot_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    down: dict[str, str] = field(default_factory=dict)
    """Origins whose robots.txt could not be fetched (RFC 9309: crawl nothing there), and why."""

    def gate(self, origin: str) -> asyncio.Semaphore:
        """The semaphore bounding requests to one origin."""
        return self.gates.setdefault(origin, asyncio.Semaphore(self.per_host))


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def _robots(client: httpx.AsyncClient, hosts: _Hosts, origin: str) -> RobotFileParser:
    """The origin's robots.txt, fetched once: 401/403 or no answer forbid all, other 4xx allow all."""
    import httpx  # here, not at the top: the httpx package loads rich, which the core must not
    lock = hosts.robot_locks.setdefault(origin, asyncio.Lock())
    async with lock:
        if origin in hosts.robots:
            return hosts.robots[origin]
        if origin in hosts.down:
            raise _HostDown(hosts.down[origin])
        parser = RobotFileParser(f"{origin}/robots.txt")
        try:
            async with hosts.gate(origin):
                response = await client.get(f"{origin}/robots.txt", follow_redirects=True)
            if response.status_code in (401, 403) or response.status_code >= 500:
                parser.parse(_FORBID_ALL)
            elif response.status_code >= 400:
                parser.parse([])
            else:
                parser.parse(response.text.splitlines())
        except httpx.HTTPError as exc:
            hosts.down[origin] = f"robots.txt unreachable: {type(exc).__name__}: {exc}"[:300]
            raise _HostDown(hosts.down[origin]) from exc
        hosts.robots[origin] = parser
        return parser


async def _read_body(response: httpx.Response) -> str:
    """The body as text, at most MAX_BYTES of it."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BYTES:
            break
    return b"".join(chunks)[:MAX_BYTES].decode(response.charset_encoding or "utf-8", errors="replace")


async def fetch_one(client: httpx.AsyncClient, hosts: _Hosts, job: Job,
                    cancel: threading.Event | None = None) -> Fetched | None:
    """Fetch a job's page (robots.txt permitting) and read the link on it; None if cancelled first."""
    import httpx  # see _robots
    origin = _origin(job.source_url)
    try:
        robots = await _robots(client, hosts, origin)
        if not robots.can_fetch(ROBOTS_AGENT, job.source_url):
            return Fetched(job, "robots-blocked", error="robots.txt disallows this page")
        async with hosts.gate(origin):
            if cancel is not None and cancel.is_set():
                return None
            async with client.stream("GET", job.source_url, follow_redirects=True) as response:
                body = await _read_body(response) if response.status_code < 400 else ""
    except httpx.TimeoutException:
        return Fetched(job, "timeout", error="no answer in time")
    except _HostDown as exc:
        return Fetched(job, "error", error=str(exc))
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        return Fetched(job, "error", error=f"{type(exc).__name__}: {exc}"[:300])
    final, status, hops = str(response.url), response.status_code, len(response.history)
    if status >= 400:
        return Fetched(job, "http-error", status, final, hops, error=f"HTTP {status}")
    facts = read_page(body, final, job.target_url, response.headers.get("x-robots-tag", ""))
    return Fetched(job, "ok", status, final, hops, facts=facts)


Progress = Callable[[int, int], None]
"""Called with (done, total) after each page."""


async def fetch_all(jobs: Sequence[Job], settings: FetchSettings | None = None, *,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> list[Fetched]:
    """Fetch every job's page; jobs not started when `cancel` is set are left out of the result."""
    import httpx  # see _robots
    settings = settings or FetchSettings()
    hosts = _Hosts(settings.per_host)
    limit = asyncio.Semaphore(settings.concurrency)
    done: list[Fetched] = []
    timeout = httpx.Timeout(settings.timeout)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    async with httpx.AsyncClient(headers=headers, timeout=timeout, max_redirects=settings.max_redirects,
                                 limits=httpx.Limits(max_connections=settings.concurrency)) as client:
        async def run(job: Job) -> None:
            async with limit:
                if cancel is not None and cancel.is_set():
                    return
                fetched = await fetch_one(client, hosts, job, cancel)
                if fetched is None:
                    return
                done.append(fetched)
                if progress is not None:
                    progress(len(done), len(jobs))
        await asyncio.gather(*(run(job) for job in jobs))
    return done
