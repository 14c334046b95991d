"""Migration 0017: follow-ups queued before the message ahead of them went become that message's plan."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from outreach.core import followup_plan
from outreach.core.outbox_tables import OutboxMessage
from tests.core.test_migration_search_text import migrate
from tests.sending.world import NOW, World, sending_campaign

SEQUENCES = {"waiting": ("scheduled", "scheduled", "scheduled"), "pitched": ("sent", "scheduled", "scheduled"),
             "followed": ("sent", "sent", "scheduled"), "uncertain": ("uncertain", "scheduled")}
"""Each request's message states, pitch first, as the old scheduling left them."""


def old_queue(world: World) -> dict[str, int]:
    """Requests with every follow-up composed up front, as before 0017; their ids by name."""
    ids = {}
    with world.store.transaction() as session:
        for name, states in SEQUENCES.items():
            request_id = world.request(email=f"{name}@diario.mx")
            ids[name] = request_id
            for step, state in enumerate(states):
                session.add(OutboxMessage(
                    campaign_id=world.campaign_id, request_id=request_id, prospect_id=1, market="es-MX",
                    step=step, state=state, mailbox="default", message_id=f"<{name}{step}@site.com>",
                    sender="lucia@site.com", recipient=f"{name}@diario.mx", recipient_domain="diario.mx",
                    timezone="America/Mexico_City", subject="Datos", send_at=NOW + timedelta(days=4 * step),
                    delay_days=3 * step, content=b"x", content_sha256="0" * 64))
    return ids


def test_queued_follow_ups_fold_into_the_plan_of_the_message_ahead(tmp_path: Path, any_url: str) -> None:
    world = World.make(tmp_path / "ws", any_url, sending_campaign(followups=[3, 6]))
    ids = old_queue(world)
    migrate(world.store.engine, "0016", down=True)
    migrate(world.store.engine, "0017")
    with world.store.transaction() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.request_id, OutboxMessage.step)).all()
        kept = {(row.request_id, row.step): (row.state, row.planned_followups) for row in rows}

    def plan(*steps: int) -> str | None:
        return followup_plan.encode([followup_plan.PlannedStep(3 * step, NOW + timedelta(days=4 * step))
                                     for step in steps])

    assert kept == {
        (ids["waiting"], 0): ("scheduled", plan(1, 2)),
        (ids["pitched"], 0): ("sent", None), (ids["pitched"], 1): ("scheduled", plan(2)),
        (ids["followed"], 0): ("sent", None), (ids["followed"], 1): ("sent", None),
        (ids["followed"], 2): ("scheduled", None),
        (ids["uncertain"], 0): ("uncertain", plan(1)),
    }
