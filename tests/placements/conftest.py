"""Fixtures for placements: the demo campaign in a store, and a real HTTP server of fixture pages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from outreach.core import placements
from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.models import Placement
from outreach.core.store import Store

NOMINA = "https://www.tallyro.com/mx/nomina/"
"""A target page (URL version) of the demo campaign's es-MX market."""


@dataclass
class Route:
    """What the server answers on one path."""

    body: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class PageServer:
    """A threaded HTTP server on 127.0.0.1 answering from `routes`, recording what it was asked."""

    routes: dict[str, Route]
    base: str = ""
    seen: list[tuple[str, str]] = field(default_factory=list)
    """(path, User-Agent) of every request."""
    times: list[tuple[str, float]] = field(default_factory=list)
    """(path, time.monotonic() on arrival) of every request."""
    busy: int = 0
    peak: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        """The full URL of a path on this server."""
        return f"{self.base}{path}"


def _handler(server: PageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with server.lock:
                server.seen.append((self.path, self.headers.get("User-Agent", "")))
                server.times.append((self.path, time.monotonic()))
                server.busy += 1
                server.peak = max(server.peak, server.busy)
            route = server.routes.get(self.path, Route("not here", 404))
            time.sleep(route.delay)
            with server.lock:  # before answering: the client frees its slot only after the answer
                server.busy -= 1
            try:
                payload = route.body.encode("utf-8")
                self.send_response(route.status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def serve_pages() -> Iterator[PageServer]:
    """Run a real HTTP server of fixture pages until the generator is closed; tests fill `routes`."""
    server = PageServer(routes={})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A real HTTP server of fixture pages on 127.0.0.1."""
    yield from serve_pages()


@pytest.fixture
def other_server() -> Iterator[PageServer]:
    """A second server, on another port: another origin, with its own robots.txt."""
    yield from serve_pages()


def page(*links: str, head: str = "") -> str:
    """An HTML page with these `<a>` tags in its body."""
    return f"<!doctype html><html><head>{head}<title>Nota</title></head><body><p>Texto " \
           f"{' '.join(links)} más texto.</p></body></html>"


@dataclass
class World:
    """The demo campaign in a store, with a way to log placements."""

    store: Store
    campaign: Campaign
    campaign_id: int

    def place(self, source_url: str, page_url: str = NOMINA, anchor: str = "Tallyro", market: str = "es-MX",
              **values: Any) -> int:
        """Log a live placement (counted in the tallies) and return its id."""
        verdict = placements.classify_anchor(self.campaign, market, page_url, anchor)
        row = Placement(campaign_id=self.campaign_id, market=market, page_url=page_url, source_url=source_url,
                        source_domain=values.pop("source_domain", "example.com.mx"), anchor=anchor,
                        anchor_class=verdict.anchor_class.value, anchor_keyword=verdict.keyword,
                        found_on=values.pop("found_on", date(2026, 10, 5)), locality=values.pop("locality", "local"),
                        **values)
        with self.store.transaction() as session:
            placements.record(session, row, "tester")
        assert row.id is not None
        return row.id


@pytest.fixture
def world(any_url: str, demo_dir: Path) -> Iterator[World]:
    """The demo campaign in a fresh store (SQLite, and PostgreSQL where one answers)."""
    store = Store.open(any_url, "tester")
    campaign = load_campaign(demo_dir)
    yield World(store, campaign, store.campaign_id(campaign))
    store.engine.dispose()
