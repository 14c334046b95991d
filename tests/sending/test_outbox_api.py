"""The outbox API other parts call: schedule, find by Message-ID, stop, resolve uncertain, bounces."""

from __future__ import annotations

import random
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import audit, followup_plan, outbox
from outreach.core.models import LinkRequest, Suppression
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_request
from outreach.errors import SendingError
from tests.sending.world import NOW, World, mailbox, sending_campaign


@pytest.fixture
def world(tmp_path: Path, any_url: str) -> World:
    return World.make(tmp_path / "ws", any_url, sending_campaign(followups=[3, 5]))


def schedule(world: World, request_id: int) -> list[OutboxMessage]:
    world.approve_templates("es-MX", "followup-1", "followup-2")
    with world.store.transaction() as session:
        return schedule_request(session, world.campaign, request_id, actor="maria", mailboxes=[mailbox()],
                                now=NOW, renderer=world.renderer(), rng=random.Random(1))


def test_scheduling_queues_the_pitch_and_books_its_follow_ups_in_order(world: World) -> None:
    request_id = world.request()
    rows = schedule(world, request_id)
    assert [(row.step, row.state) for row in rows] == [(0, "scheduled")]
    booked = followup_plan.decode(rows[0].planned_followups)
    assert [step.delay_days for step in booked] == [3, 5]
    assert rows[0].send_at < booked[0].send_at < booked[1].send_at
    with world.store.transaction() as session:
        assert session.get(LinkRequest, request_id).state == "scheduled"


def test_each_follow_up_is_composed_in_the_thread_once_the_message_before_is_sent(world: World) -> None:
    request_id = world.request()
    pitch = schedule(world, request_id)[0]
    booked = followup_plan.decode(pitch.planned_followups)
    assert world.sent(pitch.id or 0).composed == 1
    rows = world.messages(request_id)
    assert [(row.step, row.state) for row in rows] == [(0, "sent"), (1, "scheduled")]
    assert rows[0].planned_followups is None
    assert (rows[1].send_at, rows[1].delay_days) == (booked[0].send_at, 3)  # sent on time: its booked slot
    assert followup_plan.decode(rows[1].planned_followups) == booked[1:]
    world.sent(rows[1].id or 0)
    rows = world.messages(request_id)
    assert [row.state for row in rows] == ["sent", "sent", "scheduled"]
    assert rows[2].send_at == booked[1].send_at and rows[2].planned_followups is None
    pitch_mail, first, second = (message_from_bytes(row.content, policy=policy.default) for row in rows)
    assert pitch_mail["Subject"] == "Datos de nómina para El Diario"
    assert first["Subject"] == second["Subject"] == "Re: Datos de nómina para El Diario"
    assert first["In-Reply-To"] == rows[0].message_id == second["In-Reply-To"]
    assert second["References"] == rows[0].message_id == rows[2].thread_root
    assert "Gracias por su tiempo" in second.get_body(("plain",)).get_content()


def test_messages_are_found_by_message_id_with_or_without_brackets(world: World) -> None:
    request_id = world.request()
    world.sent(schedule(world, request_id)[0].id or 0)
    rows = world.messages(request_id)
    with world.store.transaction() as session:
        found = outbox.find_by_message_ids(session, [rows[1].message_id.strip("<>"), "<other@x.com>"])
        assert [message.id for message in found] == [rows[1].id]
        assert outbox.find_by_message_ids(session, []) == []


def test_a_reply_stops_what_is_still_waiting_and_is_audited(world: World) -> None:
    request_id = world.request()
    schedule(world, request_id)
    with world.store.transaction() as session:
        assert outbox.stop_followups(session, request_id, reason="reply", actor="mailbox") == 3
        assert outbox.stop_followups(session, request_id, reason="reply", actor="mailbox") == 0
    with world.store.transaction() as session:
        states = session.exec(select(OutboxMessage.state, OutboxMessage.stop_reason)).all()
        assert set(states) == {("stopped", "reply")}
        entry = audit.entries(session, object_type="request", object_id=str(request_id))[0]
        assert (entry.action, entry.actor, entry.detail["steps"]) == ("outbox.stop", "mailbox", [0, 1, 2])


def test_uncertain_messages_are_listed_and_resolved_by_a_person(world: World) -> None:
    request_id = world.request()
    rows = schedule(world, request_id)
    with world.store.transaction() as session:
        pitch = session.get(OutboxMessage, rows[0].id)
        pitch.state, pitch.claimed_by, pitch.claimed_at = "sending", "w1", NOW
        session.add(pitch)
    with world.store.transaction() as session:
        assert outbox.unstick_after_crash(session, "w1", now=NOW) == 1
    with world.store.transaction() as session:
        assert [m.id for m in outbox.uncertain_messages(session, world.campaign_id)] == [rows[0].id]
        resolved = outbox.resolve_uncertain(session, rows[0].id, delivered=True, actor="maria", note="in Sent")
        assert (resolved.state, resolved.resolution, resolved.resolved_by) == ("sent", "delivered", "maria")
    with world.store.transaction() as session:
        assert outbox.uncertain_messages(session) == []
        assert session.get(LinkRequest, request_id).state == "sent"
        entry = audit.entries(session, object_type="outbox", object_id=str(rows[0].id))[0]
        assert (entry.action, entry.detail["resolution"], entry.detail["note"]) == (
            "outbox.resolve", "delivered", "in Sent")
        with pytest.raises(SendingError, match="is sent, not uncertain"):
            outbox.resolve_uncertain(session, rows[0].id, delivered=False, actor="maria")


def test_not_delivered_fails_the_message_and_stops_its_follow_ups(world: World) -> None:
    rows = schedule(world, world.request())
    with world.store.transaction() as session:
        pitch = session.get(OutboxMessage, rows[0].id)
        pitch.state = "uncertain"
        session.add(pitch)
    with world.store.transaction() as session:
        outbox.resolve_uncertain(session, rows[0].id, delivered=False, actor="maria")
    with world.store.transaction() as session:
        rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.step)).all()
        assert [(m.state, m.planned_followups) for m in rows] == [("failed", None)]
        assert session.get(LinkRequest, rows[0].request_id).state == "cancelled"
        entries = audit.entries(session, object_type="request", object_id=str(rows[0].request_id))
        stop = next(entry for entry in entries if entry.action == "outbox.stop")
        assert (stop.detail["reason"], stop.detail["steps"]) == ("not-delivered", [1, 2])


def test_a_hard_bounce_suppresses_the_address_and_stops_the_sequence(world: World) -> None:
    rows = schedule(world, world.request(email="gone@diario.mx"))
    with world.store.transaction() as session:
        outbox.record_bounce(session, rows[0].id, hard=True, actor="mailbox", reply="550 5.1.1 no such user")
    with world.store.transaction() as session:
        assert session.exec(select(Suppression.reason)).all() == ["hard-bounce"]
        assert {(m.state, m.planned_followups) for m in session.exec(select(OutboxMessage)).all()} == {
            ("stopped", None)}


def test_only_approved_requests_are_scheduled(world: World) -> None:
    request_id = world.request()
    schedule(world, request_id)
    with pytest.raises(SendingError, match="is scheduled; only approved"):
        schedule(world, request_id)
