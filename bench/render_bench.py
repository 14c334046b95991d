"""Render 10,000 pitches (subject and body) across the demo campaign's markets on one core.

Run: `make bench` or `.venv/bin/python bench/render_bench.py [COUNT]`. Prints renders per second;
the target is at least 5,000. Templates compile once and market contexts are built once, so the
figure is the steady state a batch (or the outbox) sees.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.locale_folders import MESSAGES
from outreach.core.models import Prospect
from outreach.core.templates import Renderer

REPO = Path(__file__).resolve().parent.parent
SHAPES = (
    {"outlet": "Diario de Negocios", "contact_name": "Ana Pérez", "first_name": "Ana"},
    {"outlet": "Revista Pyme", "contact_name": None, "first_name": None},
    {"outlet": None, "contact_name": "Luis Ortega", "first_name": "Luis"},
)


def prospects(campaign: Campaign, count: int) -> list[tuple[str, Prospect]]:
    """`count` prospects spread over every market, in varied shapes."""
    markets = campaign.by_priority()
    batch = []
    for number in range(count):
        market = markets[number % len(markets)]
        domain = f"site{number}.example.{market.country.lower()}"
        shape = SHAPES[number % len(SHAPES)]
        batch.append((market.tag, Prospect(id=number, campaign_id=1, market=market.tag, identity=domain,
                                           domain=domain, email=f"editor@{domain}", **shape)))
    return batch


def main(count: int) -> None:
    """Render the batch and print the figures."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    campaign = load_campaign(REPO)
    renderer = Renderer(campaign)
    batch = prospects(campaign, count)
    started = time.perf_counter()
    for tag, prospect in batch[:len(campaign.markets)]:
        for message in MESSAGES:
            renderer.render(tag, prospect, message=message)
    warm = time.perf_counter() - started
    pages = {market.tag: market.pages for market in campaign.markets.values()}
    started = time.perf_counter()
    for number, (tag, prospect) in enumerate(batch):
        renderer.render(tag, prospect, message=MESSAGES[number % len(MESSAGES)],
                        page=pages[tag][number % len(pages[tag])])
    elapsed = time.perf_counter() - started
    print(f"{count:,} renders (subject + body) across {len(campaign.markets)} markets in {elapsed:.2f} s: "
          f"{count / elapsed:,.0f} renders/s on one core")
    print(f"first compile and market contexts: {warm * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
