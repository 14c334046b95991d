"""Politeness per origin for link checks: robots.txt read once, bounded request slots, Crawl-delay pacing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

if TYPE_CHECKING:
    import httpx

ROBOTS_AGENT = "outreach-linkcheck"
"""The name robots.txt rules (Disallow, Crawl-delay) are looked up for."""
_FORBID_ALL = ("User-agent: *", "Disallow: /")
_TICK = 0.1
"""Seconds between looks at the cancel flag while waiting out a Crawl-delay."""


class HostDown(Exception):
    """An origin already found unreachable in this run."""


class Blocked(Exception):
    """robots.txt keeps us from a URL (its rules, or a Crawl-delay too long to honour)."""

    def __init__(self, message: str, hops: int = 0) -> None:
        super().__init__(message)
        self.hops = hops
        """Redirects followed before the blocked URL."""


class Stopped(Exception):
    """The run was cancelled while a request waited for its turn."""


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Hosts:
    """Per-origin robots.txt parsers, request slots and Crawl-delay clocks, created on first use."""

    per_host: int
    max_delay: float
    overall: asyncio.Semaphore
    """Requests in flight across all origins."""
    gates: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    robots: dict[str, RobotFileParser] = field(default_factory=dict)
    robot_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    down: dict[str, str] = field(default_factory=dict)
    """Origins whose robots.txt could not be fetched (RFC 9309: crawl nothing there), and why."""
    delays: dict[str, float] = field(default_factory=dict)
    """Origins whose robots.txt Crawl-delay we honour, and the delay in seconds."""
    refused: dict[str, float] = field(default_factory=dict)
    """Origins whose Crawl-delay exceeds `max_delay`: their pages are not fetched."""
    next_at: dict[str, float] = field(default_factory=dict)
    """Loop time before which a paced origin gets no request."""

    def gate(self, origin: str) -> asyncio.Semaphore:
        """The semaphore bounding requests to one origin: one at a time when it asks for a delay."""
        return self.gates.setdefault(origin, asyncio.Semaphore(1 if origin in self.delays else self.per_host))

    async def check(self, client: httpx.AsyncClient, url: str, hops: int) -> None:
        """Raise Blocked if robots.txt keeps us from the URL, reached after `hops` redirects."""
        origin = origin_of(url)
        async with self.robot_locks.setdefault(origin, asyncio.Lock()):
            if origin not in self.robots:
                self.robots[origin] = await self._fetch_robots(client, origin)
        if origin in self.refused:
            raise Blocked(f"robots.txt of {origin} asks for {self.refused[origin]:g} s between requests, "
                          f"over the {self.max_delay:g} s limit: site not checked", hops)
        if not self.robots[origin].can_fetch(ROBOTS_AGENT, url):
            where = f"robots.txt of {origin} disallows {url}" if hops else "robots.txt disallows this page"
            raise Blocked(where, hops)

    async def _fetch_robots(self, client: httpx.AsyncClient, origin: str) -> RobotFileParser:
        """Read robots.txt: 401/403/5xx or no answer forbid all, other 4xx allow all; note its Crawl-delay."""
        import httpx  # here, not at the top: the httpx package loads rich, which the core must not
        if origin in self.down:
            raise HostDown(self.down[origin])
        parser = RobotFileParser(f"{origin}/robots.txt")
        try:
            async with self.overall:  # the origin's only request until robots.txt is known
                response = await client.get(f"{origin}/robots.txt", follow_redirects=True)
        except httpx.HTTPError as exc:
            self.down[origin] = f"robots.txt unreachable: {type(exc).__name__}: {exc}"[:300]
            raise HostDown(self.down[origin]) from exc
        if response.status_code in (401, 403) or response.status_code >= 500:
            parser.parse(_FORBID_ALL)
        elif response.status_code >= 400:
            parser.parse([])
        else:
            parser.parse(response.text.splitlines())
        delay = float(parser.crawl_delay(ROBOTS_AGENT) or 0)
        if delay > self.max_delay:
            self.refused[origin] = delay
        elif delay > 0:
            self.delays[origin] = delay
            self._start_clock(origin)  # robots.txt was a request too
        return parser

    @asynccontextmanager
    async def turn(self, origin: str, cancel: threading.Event | None) -> AsyncIterator[None]:
        """Hold a request slot of the origin, its Crawl-delay waited out, and an overall slot."""
        async with self.gate(origin):
            await self._wait(origin, cancel)
            async with self.overall:
                if cancel is not None and cancel.is_set():
                    raise Stopped
                try:
                    yield
                finally:
                    self._start_clock(origin)

    async def _wait(self, origin: str, cancel: threading.Event | None) -> None:
        """Sleep until the origin's clock allows a request, looking at `cancel` (if any) every tick."""
        loop = asyncio.get_running_loop()
        while True:
            if cancel is not None and cancel.is_set():
                raise Stopped
            left = self.next_at.get(origin, 0.0) - loop.time()
            if left <= 0:
                return
            await asyncio.sleep(left if cancel is None else min(left, _TICK))

    def _start_clock(self, origin: str) -> None:
        """Count the origin's Crawl-delay from now, the end of its last request (none if it set none)."""
        if origin in self.delays:
            self.next_at[origin] = asyncio.get_running_loop().time() + self.delays[origin]
