"""Scheduling benchmark: 100k approved requests over 20 markets turned into outbox rows.

Target (issue 7): scheduling 100k requests <= 5 s. The figure covers `schedule_market` for every
market: reading the requests and prospects, planning each send time (recipient-zone windows,
holidays, mailbox caps, domain spacing, velocity), composing each message's bytes, inserting the
rows, moving the requests to `scheduled` and auditing each, committed. Not included: creating the
100k prospects and requests beforehand, and process start-up. Pitches only by default; `--followups`
schedules the default sequence (two follow-ups, approved first from the shipped templates), as
`outreach schedule` does for a campaign that keeps it: each follow-up's slot is booked then, and it is
rendered and composed by the sender once the message before it is sent. The bench then marks every
pitch sent and times that composing too (`sweep_followups`, what a sender does after its batches),
per follow-up, as a separate figure. Names, subjects and
bodies differ per request, as rendered ones do, so no per-text cache flatters the figure. From 20k
requests the run plans in a forked child while this process writes: the child's CPU is printed too.
Run: .venv/bin/python bench/schedule_bench.py [--requests N] [--db PATH] [--followups]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from gate_bench import MARKETS, write_campaign
from sqlalchemy import func, insert, select, update

from outreach.core import review
from outreach.core.campaign import Campaign
from outreach.core.followups import sweep_followups
from outreach.core.models import LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_markets
from outreach.core.send_accounts import MailboxSettings
from outreach.core.store import Store
from outreach.core.templates import Renderer
from outreach.errors import ReviewError

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
ZONES = {"es-MX": ["America/Mexico_City", "America/Tijuana", "America/Monterrey"],
         "en-US": ["America/New_York", "America/Chicago", "America/Los_Angeles"]}
FIRST = ["Ana", "José", "Lucía", "Ñoño", "Mary", "Zoë", "Wei", "Renée", "Tom", "O'Brien", "Søren", "Ayşe"]
LAST = ["Pérez", "García", "Smith", "Müller", "Núñez", "Lee", "Ødegaard", "Dubois", "Kowalski", "Brown"]
MAILBOX = MailboxSettings(name="default", host="127.0.0.1", from_address="press@site.com", daily_cap=None,
                          domain_gap_seconds=60)


def populate(store: Store, campaign: Campaign, count: int, tags: list[str] | None = None) -> int:
    """Prospects and approved requests spread over the markets, bulk-inserted; the campaign id."""
    chance = random.Random(7)
    campaign_id = store.campaign_id(campaign)
    tags = tags or list(MARKETS)
    with store.transaction() as session:
        prospects, requests = [], []
        for number in range(count):
            tag = tags[number % len(tags)]
            domain = f"medio{number % (count // 3 + 1)}.example.com"
            first, last = FIRST[number % len(FIRST)], LAST[number // len(FIRST) % len(LAST)]
            prospects.append({"id": number + 1, "campaign_id": campaign_id, "market": tag,
                              "identity": f"p{number}", "domain": domain, "email": f"editor{number}@{domain}",
                              "contact_name": f"{first} {last} {number % 97}", "stage": "qualified",
                              "do_not_contact": False,
                              "metrics": {}, "locality": "local", "country_source": "explicit",
                              "language_source": "explicit", "created_at": NOW, "updated_at": NOW,
                              "timezone": chance.choice(ZONES[tag]) if tag in ZONES else None})
            requests.append({"campaign_id": campaign_id, "market": tag, "prospect_id": number + 1,
                             "page_url": campaign.market(tag).pages[0].url, "anchor": "Site",
                             "anchor_class": "branded", "state": "approved", "template": "pitch",
                             "locality": "local", "subject": f"Datos para el número {number}",
                             "body": f"Buen día, {first}:\n\nLe escribo de Site con datos nuevos para "
                                     f"medio{number}.\n\nSaludos,\nLucía\n",
                             "created_by": "bench", "created_at": NOW, "updated_at": NOW})
        session.execute(insert(Prospect), prospects)
        session.execute(insert(LinkRequest), requests)
    return campaign_id


def approve_followups(store: Store, campaign: Campaign, folder: Path) -> list[str]:
    """The shipped templates and briefs copied next to the campaign; the markets with their own
    follow-ups that pass QA, approved (the others lack a brief or a template in their language)."""
    for content in ("locales", "briefs"):
        shutil.copytree(Path(__file__).resolve().parents[1] / content, folder / content)
    renderer, approved = Renderer(campaign), []
    for tag in campaign.markets:
        if not (folder / "locales" / tag / "followup-1.j2").exists():
            continue  # a fallback folder's approval does not carry over to the market at send time
        try:
            with store.transaction() as session:
                for name in ("subject", "followup-1", "followup-2"):
                    review.approve(session, renderer, tag, name, "bench")
            approved.append(tag)
        except ReviewError:
            continue
    return approved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--followups", action="store_true", help="schedule two follow-ups per request too")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="schedule-bench-"))
    try:
        run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    """Set up the campaign and requests in `folder`, schedule them and print the figures."""
    campaign = write_campaign(folder)
    if not args.followups:
        pitches_only = campaign.sending.model_copy(update={"followups": ()})
        campaign = campaign.model_copy(update={"sending": pitches_only})
    database = args.db or folder / "bench.db"
    store = Store.open(f"sqlite:///{database}", "bench")
    tags = approve_followups(store, campaign, folder) if args.followups else None
    campaign_id = populate(store, campaign, args.requests, tags)
    print(f"load average before: {os.getloadavg()}")
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    with store.transaction() as session:
        report = schedule_markets(session, campaign, campaign_id, None, actor="bench", mailboxes=[MAILBOX],
                                  now=NOW, rng=random.Random(1))
    total = report.messages
    assert not report.skipped, report.skipped[:3]
    wall, cpu, children = time.perf_counter() - wall, time.process_time() - cpu, _children_cpu() - children
    with store.transaction() as session:
        stored = session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
        last = session.execute(select(func.max(OutboxMessage.send_at))).scalar_one()
    print(f"scheduled {args.requests} requests -> {total} messages ({stored} rows), "
          f"last send {last:%Y-%m-%d}")
    print(f"wall {wall:.2f} s, CPU {cpu:.2f} s (+ {children:.2f} s in a forked planner), "
          f"{args.requests / wall:,.0f} requests/s "
          f"(target <= 5 s for 100k); load average after: {os.getloadavg()}")
    if args.followups:
        print(f"follow-ups booked: {report.followups}")
        compose_first_followups(store, campaign, campaign_id)


def compose_first_followups(store: Store, campaign: Campaign, campaign_id: int) -> None:
    """Mark every pitch sent at its planned time (and its request `sent`, as settling does) and time
    composing the first follow-ups, as a sender does after its batches."""
    with store.transaction() as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.step == 0)  # type: ignore[arg-type]
                        .values(state="sent", sent_at=OutboxMessage.send_at))
        session.execute(update(LinkRequest).values(state="sent"))
    wall, cpu = time.perf_counter(), time.process_time()
    with store.transaction() as session:
        found = sweep_followups(session, campaign, campaign_id, [MAILBOX], now=NOW)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not found.waiting, found.waiting
    assert not found.ended, found.ended
    print(f"composing the first follow-ups once their pitches are sent: {found.composed} in {wall:.2f} s "
          f"wall, {cpu:.2f} s CPU, {cpu / max(1, found.composed) * 1e6:.0f} us CPU each (a sender's cost, "
          f"beside ~1,300 us per message sent); load average after: {os.getloadavg()}")


def _children_cpu() -> float:
    """User and system CPU of this process's finished children."""
    times = os.times()
    return times.children_user + times.children_system


if __name__ == "__main__":
    main()
