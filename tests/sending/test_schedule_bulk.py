"""Scheduling in bulk: follow-ups' prospects read at once, and runs of consecutive request ids moved to
`scheduled` by range."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import dnc, schedule_writes
from outreach.core.models import LinkRequest
from outreach.core.schedule import schedule_market
from outreach.core.schedule_writes import consecutive_runs
from tests.sending.world import NOW, World, mailbox, sending_campaign


@pytest.mark.parametrize(("ids", "shortest", "ranges", "loose"), [
    ([], 3, [], []),
    ([4], 1, [(4, 4)], []),
    ([4], 2, [], [4]),
    ([1, 2, 3, 5, 6, 9, 10, 11, 12], 3, [(1, 3), (9, 12)], [5, 6]),
    ([1, 3, 5], 2, [], [1, 3, 5]),
    ([7, 8, 9], 3, [(7, 9)], []),
], ids=["none", "single-as-range", "single-loose", "mixed", "all-gaps", "one-run"])
def test_consecutive_ids_become_ranges(ids: list[int], shortest: int, ranges: list[tuple[int, int]],
                                       loose: list[int]) -> None:
    assert consecutive_runs(ids, shortest) == (ranges, loose)


def test_ranges_move_only_the_scheduled_requests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule_writes, "SHORTEST_RANGE", 2)
    world = World.make(tmp_path / "ws", f"sqlite:///{tmp_path / 'outreach.db'}", sending_campaign())
    markets = ["es-MX", "es-MX", "es-ES", "es-MX", "es-MX", "es-MX", "es-MX", "es-ES", "es-MX"]
    ids = [world.request(market, email=f"e{number}@m{number}.mx") for number, market in enumerate(markets)]
    with world.store.transaction() as session:
        dnc.add_entry(session, "m5.mx", reason="asked", actor="maria")
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox()], now=NOW, rng=random.Random(5))
    assert len(report.skipped) == 1 and report.requests == 6
    with world.store.transaction() as session:
        states = dict(session.exec(select(LinkRequest.id, LinkRequest.state)).all())
    expected = ["approved" if market == "es-ES" or number == 5 else "scheduled"
                for number, market in enumerate(markets)]
    assert [states[request_id] for request_id in ids] == expected
