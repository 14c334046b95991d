"""Link check benchmark: pages per second verifying N fixture pages served on 127.0.0.1.

Serves ~20 KB article pages (80 links each, the target among them) from several local servers
(one origin each, since concurrency is bounded per host), then times the fetch-and-parse step
alone and a whole `verify` run (fetch, parse, store checks and changes in SQLite).
Run: .venv/bin/python bench/linkcheck_bench.py [--pages N] [--hosts N] [--per-host N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import tempfile
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from outreach.core import linkcheck, placements
from outreach.core.campaign_file import load_campaign
from outreach.core.linkcheck_fetch import FetchSettings, Job, fetch_all
from outreach.core.models import Placement
from outreach.core.store import Store

REPO = Path(__file__).resolve().parent.parent
TARGET = "https://www.tallyro.com/mx/nomina/"


def article(number: int) -> bytes:
    """A realistic article page: paragraphs, 80 links, the target link in the middle."""
    links = [f'<a href="https://otro{i}.com.mx/nota/{number}">nota {i}</a>' for i in range(79)]
    links.insert(40, f'<a href="{TARGET}" rel="{"nofollow" if number % 10 == 0 else ""}">Tallyro</a>')
    body = "".join(f"<p>{'Texto de la nota sobre nóminas y facturas. ' * 6}{link}</p>" for link in links)
    return (f"<!doctype html><html><head><title>Nota {number}</title><meta name=robots content=index>"
            f"</head><body><article>{body}</article></body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    """Answers robots.txt and /page/N."""

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            payload = b"User-agent: *\nDisallow: /private/\n"
        else:
            payload = article(int(self.path.rsplit("/", 1)[-1]))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


def _serve(queue: Any) -> None:
    """Run one server in this (child) process and report its port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    queue.put(server.server_address[1])
    server.serve_forever()


def start_servers(count: int) -> list[str]:
    """Start `count` local servers, each in its own process so they do not share the client's GIL."""
    queue: Any = multiprocessing.Queue()
    for _ in range(count):
        multiprocessing.Process(target=_serve, args=(queue,), daemon=True).start()
    return [f"http://127.0.0.1:{queue.get(timeout=30)}" for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    bases = start_servers(args.hosts)
    urls = [f"{bases[n % len(bases)]}/page/{n}" for n in range(args.pages)]
    settings = FetchSettings(concurrency=args.concurrency, per_host=args.per_host, timeout=30)
    print(f"{args.pages} pages of {len(article(1)) // 1024} KB on {args.hosts} local hosts, "
          f"concurrency {args.concurrency}, {args.per_host} per host; load average before "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    results = asyncio.run(fetch_all([Job(n, url, TARGET) for n, url in enumerate(urls)], settings))
    elapsed = time.perf_counter() - started
    found = sum(bool(r.facts and r.facts.link_found) for r in results)
    print(f"fetch + parse: {elapsed:.2f} s, {len(results) / elapsed:.0f} pages/s ({found} links found)")
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/bench.db", "bench")
        campaign = load_campaign(REPO)
        campaign_id = store.campaign_id(campaign)
        with store.transaction() as session:
            for url in urls:
                placements.record(session, Placement(
                    campaign_id=campaign_id, market="es-MX", page_url=TARGET, source_url=url,
                    source_domain="local.mx", anchor="Tallyro", anchor_class="branded",
                    found_on=date(2026, 10, 1)), "bench")
        started = time.perf_counter()
        summary = linkcheck.verify(store, campaign, campaign_id, "es-MX", settings=settings)
        elapsed = time.perf_counter() - started
        store.engine.dispose()
    rate = summary.checked / elapsed
    print(f"verify (fetch, parse, store in SQLite): {elapsed:.2f} s, {rate:.0f} pages/s; "
          f"{summary.status_line()}; {len(summary.changes)} changes")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores, shared)")


if __name__ == "__main__":
    main()
