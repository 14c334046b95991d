"""A sending world whose pitches went out, and fixture messages rewritten to answer them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from outreach.core import followup_plan
from outreach.core.followups import compose_followups
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_request
from outreach.core.send_results import settle_sent, settle_uncertain
from tests.sending.world import NOW, World, mailbox, sending_campaign

MESSAGES = Path(__file__).parent / "messages"


@dataclass
class Sent:
    """One request whose pitch went out, with its first follow-up composed and waiting (the second
    is booked on it)."""

    request_id: int
    prospect_id: int
    pitch: OutboxMessage
    followups: list[OutboxMessage]


@dataclass
class MailWorld:
    """The sending world plus what each fixture's placeholder Message-IDs stand for."""

    world: World
    ids: dict[bytes, bytes] = field(default_factory=dict)
    """Fixture Message-ID -> the real one the outbox gave."""

    @classmethod
    def make(cls, root: Path, url: str) -> MailWorld:
        """A two-market campaign with two follow-ups per pitch; templates approved."""
        world = World.make(root, url, sending_campaign(followups=[3, 5]))
        world.approve_templates("es-MX", "followup-1", "followup-2")
        world.approve_templates("es-ES", "followup-1", "followup-2")
        return cls(world)

    def pitch(self, email: str, fixture_id: str, *, market: str = "es-MX", state: str = "sent",
              followup_ids: tuple[str, ...] = ()) -> Sent:
        """Schedule a request to `email`, settle its pitch (sent or uncertain), and map the fixture ids."""
        world = self.world
        request_id = world.request(market, email=email)
        with world.store.transaction() as session:
            rows = schedule_request(session, world.campaign, request_id, actor="maria", mailboxes=[mailbox()],
                                    now=NOW, renderer=world.renderer(), rng=random.Random(request_id))
            pitch = rows[0]
            pitch.attempts = 1
            (settle_sent if state == "sent" else settle_uncertain)(session, pitch, NOW, "250 2.0.0 queued")
            # as the sender does once a pitch has gone: its first follow-up is composed and waits
            compose_followups(session, world.campaign, world.campaign_id, [mailbox()],
                              renderer=world.renderer(), ids=[pitch.id or 0], now=NOW)
            rows = list(session.exec(select(OutboxMessage).where(OutboxMessage.request_id == request_id)
                                     .order_by(OutboxMessage.step)).all())
        self.ids[f"<{fixture_id}>".encode()] = rows[0].message_id.encode()
        for fixture, row in zip(followup_ids, rows[1:], strict=False):
            self.ids[f"<{fixture}>".encode()] = row.message_id.encode()
        return Sent(request_id, rows[0].prospect_id, rows[0], rows[1:])

    def raw(self, name: str) -> bytes:
        """A fixture with its placeholder Message-IDs replaced by the outbox's."""
        data = (MESSAGES / name).read_bytes()
        for fixture, real in self.ids.items():
            data = data.replace(fixture, real)
        return data

    def outbox(self, request_id: int) -> list[tuple[int, str, str | None]]:
        """(step, state, stop reason) of a request's messages."""
        with self.world.store.transaction() as session:
            rows = session.exec(select(OutboxMessage).where(OutboxMessage.request_id == request_id)
                                .order_by(OutboxMessage.step)).all()
            return [(row.step, row.state, row.stop_reason) for row in rows]

    def booked(self, request_id: int) -> int:
        """How many follow-ups of a request are booked but not composed yet."""
        with self.world.store.transaction() as session:
            plans = session.exec(select(OutboxMessage.planned_followups)
                                 .where(OutboxMessage.request_id == request_id)).all()
            return sum(followup_plan.count(plan) for plan in plans)
