"""Rule gate benchmark: 1M placements and 10k pending requests in 20 markets, checked in one batch.

Targets (issue 5): all 10k checked in <= 1 s after a warm start; one request in <= 5 ms.
Run: .venv/bin/python bench/gate_bench.py [--placements N] [--requests N] [--db PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tomli_w
from sqlalchemy import insert
from sqlmodel import col, select

from outreach.core import gate, tally
from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.gate_inputs import TemplateState
from outreach.core.models import LinkRequest, Placement, Prospect
from outreach.core.store import Store

MARKETS = {
    "es-MX": ("America/Mexico_City", "mx"), "es-ES": ("Europe/Madrid", "es"),
    "es-AR": ("America/Argentina/Buenos_Aires", "ar"), "es-CO": ("America/Bogota", "co"),
    "es-CL": ("America/Santiago", "cl"), "es-PE": ("America/Lima", "pe"),
    "de-DE": ("Europe/Berlin", "de"), "de-AT": ("Europe/Vienna", "at"), "de-CH": ("Europe/Zurich", "ch"),
    "en-GB": ("Europe/London", "uk"), "en-US": ("America/New_York", "us"), "en-IE": ("Europe/Dublin", "ie"),
    "en-AU": ("Australia/Sydney", "au"), "fr-FR": ("Europe/Paris", "fr"), "fr-BE": ("Europe/Brussels", "be"),
    "fr-CA": ("America/Toronto", "ca"), "pt-BR": ("America/Sao_Paulo", "br"),
    "pt-PT": ("Europe/Lisbon", "pt"), "it-IT": ("Europe/Rome", "it"), "nl-NL": ("Europe/Amsterdam", "nl"),
}
CLASSES = ["branded"] * 45 + ["naked-url"] * 20 + ["generic"] * 15 + ["partial"] * 12 + ["exact"] * 3 + \
    ["other"] * 5
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def write_campaign(folder: Path) -> Campaign:
    """A 20-market subfolder campaign with three pages per market in two clusters."""
    markets = {}
    for tag, (zone, path) in MARKETS.items():
        pages = [{"url": f"https://www.site.com/{path}/{slug}/", "cluster": cluster,
                  "keywords": [f"{slug} software {path}", f"{slug} online {path}"]}
                 for slug, cluster in (("payroll", "payroll"), ("invoicing", "invoicing"), ("guide", None))]
        for page in pages:
            if page["cluster"] is None:
                del page["cluster"]
        markets[tag] = {"timezone": zone, "path": f"/{path}/", "pages": pages}
    data = {"campaign": {"id": "bench", "name": "Bench", "site": "https://www.site.com/", "brands": ["Site"]},
            "architecture": {"type": "subfolder", "host": "www.site.com"}, "markets": markets,
            "rules": {"velocity": {"requests_7d": 100000, "requests_30d": 100000,
                                   "placements_7d": 100000, "placements_30d": 100000}}}
    (folder / "campaign.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return load_campaign(folder)


def populate(store: Store, campaign: Campaign, placements: int, requests: int) -> int:
    """Bulk-load placements, prospects and draft requests; return the campaign id."""
    chance = random.Random(1)
    campaign_id = store.campaign_id(campaign)
    pages = [(page.market, page.url) for page in campaign.pages]
    with store.transaction() as session:
        batch = []
        for number in range(placements):
            market, url = chance.choice(pages)
            batch.append({"campaign_id": campaign_id, "market": market, "page_url": url,
                          "source_url": f"https://s{number}.example.com/",
                          "source_domain": f"s{number}.example.com",
                          "anchor": "x", "anchor_class": chance.choice(CLASSES), "rel": "follow",
                          "locality": chance.choice(["local", "local", "global"]), "status": "live",
                          "found_on": (NOW - timedelta(days=chance.randint(0, 900))).date(),
                          "created_at": NOW})
            if len(batch) == 50_000:
                session.execute(insert(Placement), batch)
                batch = []
        if batch:
            session.execute(insert(Placement), batch)
        session.execute(insert(Prospect), [
            {"campaign_id": campaign_id, "market": pages[n % len(pages)][0], "identity": f"p{n}.com|",
             "domain": f"p{n}.com", "email": f"ed@p{n}.com", "language": "es", "language_source": "explicit",
             "country_source": "cctld", "locality": "local", "metrics": {"dr": 35}, "stage": "new",
             "do_not_contact": False, "created_at": NOW, "updated_at": NOW} for n in range(requests)])
        ids = session.execute(select(col(Prospect.id), col(Prospect.market))
                              .where(col(Prospect.campaign_id) == campaign_id)).all()
        by_market = {m: [u for mm, u in pages if mm == m] for m in MARKETS}
        session.execute(insert(LinkRequest), [
            {"campaign_id": campaign_id, "market": market, "prospect_id": pid,
             "page_url": chance.choice(by_market[market]), "anchor": "Site", "anchor_class": "branded",
             "template": "pitch", "state": "draft", "locality": "local", "created_by": "bench",
             "created_at": NOW, "updated_at": NOW} for pid, market in ids])
        tally.rebuild(session, campaign_id)
    return campaign_id


def approved(campaign: Campaign, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], TemplateState]:
    """Every template approved (the template rule reads the review state elsewhere)."""
    return {pair: TemplateState(True, pair[0], "approved") for pair in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--placements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse a populated SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gate-bench-"))
    campaign = write_campaign(folder)
    db_path = args.db or folder / "bench.db"
    fresh = not db_path.exists()
    store = Store.open(f"sqlite:///{db_path}", "bench")
    started = time.perf_counter()
    campaign_id = populate(store, campaign, args.placements, args.requests) if fresh else \
        store.campaign_id(campaign)
    print(f"populate: {time.perf_counter() - started:.1f} s ({args.placements:,} placements, "
          f"{args.requests:,} draft requests, {len(MARKETS)} markets) -> {db_path}")
    timings = []
    for _ in range(4):
        with store.transaction() as session:
            started = time.perf_counter()
            results = gate.check_pending(session, campaign, campaign_id, templates=approved, now=NOW)
            timings.append(time.perf_counter() - started)
    blocks = sum(any(f.blocks for f in findings) for findings in results.values())
    print(f"check {len(results):,} pending requests: cold {timings[0]:.3f} s, warm median "
          f"{statistics.median(timings[1:]):.3f} s (target <= 1 s); {blocks:,} blocked")
    with store.transaction() as session:
        rows = list(session.exec(select(LinkRequest).where(col(LinkRequest.state) == "draft")).all())
    singles = []
    for row in rows[:200]:
        with store.transaction() as session:
            started = time.perf_counter()
            gate.check_one(session, campaign, campaign_id, row, templates=approved, now=NOW)
            singles.append(time.perf_counter() - started)
    print(f"check one request: median {statistics.median(singles) * 1000:.2f} ms, "
          f"p95 {sorted(singles)[int(len(singles) * 0.95)] * 1000:.2f} ms (target <= 5 ms)")


if __name__ == "__main__":
    main()
