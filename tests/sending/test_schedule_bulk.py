"""A big scheduling run inserts with the outbox's plain indexes set aside, and plans what a small one does."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from outreach.core import schedule
from outreach.core.schedule import schedule_market
from tests.sending.test_schedule import all_rows
from tests.sending.world import NOW, World, mailbox, sending_campaign


def planned(tmp_path: Path) -> tuple[list[tuple[Any, ...]], set[str]]:
    """Six requests with two follow-ups each, scheduled: each row's plan, and the outbox's indexes."""
    world = World.make(tmp_path / "ws", f"sqlite:///{tmp_path / 'outreach.db'}",
                       sending_campaign(followups=[3, 5]))
    world.approve_templates("es-MX", "followup-1", "followup-2")
    for number in range(6):
        world.request(email=f"e{number}@m{number % 2}.mx", contact=f"Zoë Núñez {number}")
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox()], now=NOW, renderer=world.renderer(), rng=random.Random(5))
        assert not report.skipped, report.skipped
        indexes = {row[1] for row in session.connection().execute(text("PRAGMA index_list(outbox)"))}
    rows = [(row.request_id, row.step, row.send_at, row.subject, row.recipient, row.state, row.thread_root is None,
             len(row.content)) for row in all_rows(world)]
    return rows, indexes


def test_a_big_run_plans_the_same_and_keeps_the_outbox_indexes(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    small, _ = planned(tmp_path / "small")
    monkeypatch.setattr(schedule, "BIG_RUN", 1)
    big, indexes = planned(tmp_path / "big")
    assert big == small and len(big) == 18
    assert {"ix_outbox_state_send_at", "ix_outbox_prospect_id"} <= indexes
