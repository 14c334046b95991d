"""Replanning follow-ups after real sends picks the same rows as a query filtered on state and manual."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_market
from outreach.core.sequence import replan_after
from tests.sending.world import NOW, World, mailbox, sending_campaign


def reference_rows(session: Session, sent: list[tuple[int, int, datetime]]) -> list[int]:
    """The rows the state- and manual-filtered query finds, as `replan_after` first did."""
    query = select(OutboxMessage).where(col(OutboxMessage.request_id).in_({request for request, _, _ in sent}),
                                        col(OutboxMessage.state) == "scheduled",
                                        col(OutboxMessage.manual).is_(False))
    keys = {(request, step + 1) for request, step, _ in sent}
    return sorted(row.id or 0 for row in session.exec(query) if (row.request_id, row.step) in keys)


def test_replan_moves_exactly_the_waiting_unmanual_follow_ups_the_filtered_query_finds(
        tmp_path: Path, sqlite_url: str) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign(followups=[2, 5]))
    world.approve_templates("es-MX", "followup-1", "followup-2")
    for number in range(6):
        world.request(email=f"e{number}@m{number}.mx")
    with world.store.transaction() as session:
        schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                        mailboxes=[mailbox()], now=NOW, renderer=world.renderer(), rng=random.Random(5))
    with world.store.transaction() as session:
        rows = list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())
        by_request: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            by_request.setdefault(row.request_id, []).append(row)
        requests = sorted(by_request)
        by_request[requests[1]][1].manual = True
        by_request[requests[2]][1].state = "stopped"
        by_request[requests[3]][2].state = "sending"
        late = max(row.send_at for row in rows) + timedelta(days=1)
        sent = [(request, 0, late) for request in requests] + [(requests[3], 1, late), (requests[4], 1, late)]
        expected = reference_rows(session, sent)
        before = {row.id: row.send_at for row in rows}
        assert replan_after(session, world.campaign, sent) == len(expected) == 5
        session.flush()
        moved = sorted(row.id or 0 for row in session.exec(select(OutboxMessage)) if row.send_at != before[row.id])
    assert moved == expected
