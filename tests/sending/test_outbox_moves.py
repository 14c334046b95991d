"""Messages stranded on a mailbox that left settings: found, counted, and moved to another mailbox."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from outreach.core import audit
from outreach.core.claims import claim
from outreach.core.mailer import SendLoop
from outreach.core.outbox_moves import move_queued
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry
from outreach.core.outbox_views import Stranded, stranded
from outreach.core.schedule import schedule_request
from outreach.core.send_accounts import MailboxSettings
from outreach.errors import NotFoundError, SendingError
from tests.sending.smtp_server import Recorder, smtp_server
from tests.sending.world import NOW, World, mailbox, sending_campaign

OLD = mailbox(name="old", from_address="lucia@old-site.com")
NEW = mailbox(name="new", from_address="pablo@site.com", from_name="Pablo Gómez", daily_cap=2)
LATER = NOW + timedelta(days=20)
"""After every planned message."""


@pytest.fixture
def world(tmp_path: Path, any_url: str) -> World:
    return World.make(tmp_path / "ws", any_url, sending_campaign(followups=[3]))


def queue(world: World, box: MailboxSettings, *emails: str, market: str = "es-MX") -> list[OutboxMessage]:
    """Schedule one approved request per address from `box`: its pitch (its follow-up is booked)."""
    world.approve_templates(market, "followup-1")
    rows: list[OutboxMessage] = []
    for number, email in enumerate(emails):
        request_id = world.request(market, email=email)
        with world.store.transaction() as session:
            rows += schedule_request(session, world.campaign, request_id, actor="maria", mailboxes=[box],
                                     now=NOW, renderer=world.renderer(), rng=random.Random(number))
    return rows


def followup(world: World, pitch: OutboxMessage, box: MailboxSettings = OLD) -> OutboxMessage:
    """Send the pitch from `box` and return the follow-up then composed for it there."""
    assert world.sent(pitch.id or 0, mailboxes=[box]).composed == 1
    return world.messages(pitch.request_id)[1]


def set_state(world: World, outbox_id: int, state: str) -> None:
    with world.store.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        row.state = state
        session.add(row)


def all_rows(world: World) -> dict[int, OutboxMessage]:
    with world.store.transaction() as session:
        return {row.id: row for row in session.exec(select(OutboxMessage)).all()}


def move(world: World, source: str = "old", target: str = "new", market: str | None = None):
    with world.store.transaction() as session:
        return move_queued(session, world.campaign, world.campaign_id, source=source, target=target,
                           mailboxes=[mailbox(), NEW], actor="maria", market=market, now=LATER)


def test_stranded_messages_are_counted_per_mailbox_and_market_due_or_not(world: World) -> None:
    ana, _ = queue(world, OLD, "ana@diario.mx", "eva@norte.mx")
    queue(world, OLD, "pau@diari.es", market="es-ES")
    queue(world, mailbox(), "luis@tijuana.mx")
    followup(world, ana)  # ana's pitch has gone; her follow-up waits on 'old' with eva's pitch
    with world.store.transaction() as session:
        found = stranded(session, world.campaign_id, [mailbox(), NEW], LATER)
        assert found == [Stranded("old", "es-ES", 1, 1), Stranded("old", "es-MX", 2, 2)]
        waiting_only = stranded(session, world.campaign_id, [mailbox()], NOW)
        assert [(item.market, item.due) for item in waiting_only] == [("es-ES", 0), ("es-MX", 0)]
        assert stranded(session, world.campaign_id, [mailbox(), OLD], LATER) == []
        assert len(stranded(session, world.campaign_id, [], LATER)) == 3
    warning = found[1].warning()
    assert "mailbox 'old' is not in settings: 2 es-MX message(s) wait for it, 2 due now" in warning
    assert "outreach outbox move --from old --to MAILBOX --market es-MX" in warning


def test_a_move_re_composes_for_the_new_sender_and_keeps_the_approved_message(world: World) -> None:
    ana, eva = queue(world, OLD, "ana@diario.mx", "eva@norte.mx")
    before = {row.id: row for row in (followup(world, ana), eva)}
    report = move(world)
    assert (report.moved, report.by_market, report.sender) == (2, {"es-MX": 2}, "pablo@site.com")
    rows = all_rows(world)
    assert (rows[ana.id].mailbox, rows[ana.id].state) == ("old", "sent")
    for outbox_id, old in before.items():
        row = rows[outbox_id]
        assert (row.mailbox, row.sender, row.state) == ("new", "pablo@site.com", "scheduled")
        assert (row.message_id, row.send_at, row.subject, row.thread_root) == (
            old.message_id, old.send_at, old.subject, old.thread_root)
        parsed, was = (message_from_bytes(content, policy=policy.default) for content in (row.content,
                                                                                          old.content))
        assert str(parsed["From"]) == "Pablo Gómez <pablo@site.com>"
        assert parsed["List-Unsubscribe"] == "<mailto:pablo@site.com?subject=unsubscribe>"
        for field in ("Message-ID", "To", "Subject", "In-Reply-To", "References"):
            assert parsed[field] == was[field]
        assert parsed.get_content() == was.get_content()
        assert row.content_sha256 != old.content_sha256
    with world.store.transaction() as session:
        entry = audit.entries(session, object_type="outbox", object_id=str(min(before)))[0]
        assert (entry.action, entry.actor, entry.detail) == ("outbox.move", "maria", {
            "from": "old", "to": "new", "message_id": before[min(before)].message_id,
            "sender": "pablo@site.com"})


@pytest.mark.parametrize("state", ["sending", "sent", "uncertain", "failed", "stopped"])
def test_only_scheduled_messages_move(world: World, state: str) -> None:
    pitch, other = queue(world, OLD, "ana@diario.mx", "eva@norte.mx")
    set_state(world, pitch.id, state)
    assert move(world).moved == 1
    rows = all_rows(world)
    assert (rows[pitch.id].mailbox, rows[pitch.id].content) == ("old", pitch.content)
    assert rows[other.id].mailbox == "new"


def test_a_move_can_take_one_market(world: World) -> None:
    queue(world, OLD, "ana@diario.mx")
    queue(world, OLD, "pau@diari.es", market="es-ES")
    assert move(world, market="es-ES").by_market == {"es-ES": 1}
    assert sorted((row.market, row.mailbox) for row in all_rows(world).values()) == [
        ("es-ES", "new"), ("es-MX", "old")]
    with pytest.raises(NotFoundError, match="unknown market 'fr-FR'"):
        move(world, market="fr-FR")


def test_nothing_waiting_moves_nothing(world: World) -> None:
    assert move(world).moved == 0


@pytest.mark.parametrize(("source", "target", "message"), [
    ("old", "gone", "mailbox 'gone' is not in settings \\(configured: default, new\\)"),
    ("new", "new", "already queued for it"),
])
def test_a_move_to_a_mailbox_not_in_settings_or_to_itself_is_refused(world: World, source: str, target: str,
                                                                     message: str) -> None:
    queue(world, OLD, "ana@diario.mx")
    with pytest.raises(SendingError, match=message):
        move(world, source, target)


def test_one_message_that_cannot_be_re_composed_leaves_every_message_where_it_was(world: World) -> None:
    queue(world, OLD, "ana@diario.mx", "eva@norte.mx")
    last = max(all_rows(world))
    with world.store.transaction() as session:
        row = session.get(OutboxMessage, last)
        row.subject = "a subject its bytes do not carry"
        session.add(row)
    with pytest.raises(SendingError, match=f"#{last} would not keep"):
        move(world)
    assert {row.mailbox for row in all_rows(world).values()} == {"old"}
    with world.store.transaction() as session:
        assert audit.entries(session, object_type="outbox") == []


def test_moved_messages_are_claimed_under_the_new_mailbox_s_caps(world: World) -> None:
    queue(world, OLD, "ana@diario.mx", "eva@norte.mx", "pau@norte.mx")
    move(world)
    with world.store.transaction() as session:
        session.add(SendLogEntry(mailbox="new", at=LATER - timedelta(hours=1), outcome="sent"))
    engine = world.store.engine
    assert claim(engine, OLD, world.campaign_id, "w1", LATER, 50) == []
    claimed = claim(engine, NEW, world.campaign_id, "w1", LATER, 50)
    assert [(item.mailbox, item.step, item.sender) for item in claimed] == [("new", 0, "pablo@site.com")]
    assert claim(engine, NEW, world.campaign_id, "w1", LATER, 50) == []


@pytest.mark.postgres
def test_a_move_waits_for_a_claim_in_flight_and_leaves_its_message(tmp_path: Path, pg_url: str) -> None:
    world = World.make(tmp_path / "ws", pg_url, sending_campaign())
    pitch, other = queue(world, OLD, "ana@diario.mx", "eva@norte.mx")
    claimer = create_engine(pg_url)
    connection = claimer.connect()
    transaction = connection.begin()
    connection.execute(text("SELECT id FROM outbox WHERE id = :id FOR UPDATE"), {"id": pitch.id})
    connection.execute(text("UPDATE outbox SET state = 'sending' WHERE id = :id"), {"id": pitch.id})
    done: list[int] = []
    mover = threading.Thread(target=lambda: done.append(move(world).moved))
    mover.start()
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE outbox%'"
    for _ in range(600):  # until the move's UPDATE waits for the claim's row lock
        with claimer.connect() as watcher:
            if watcher.execute(text(waiting)).scalar_one():
                break
        mover.join(timeout=0.05)
    assert mover.is_alive() and not done
    transaction.commit()
    mover.join(timeout=30)
    connection.close()
    claimer.dispose()
    assert done == [1]
    rows = all_rows(world)
    assert (rows[pitch.id].state, rows[pitch.id].mailbox) == ("sending", "old")
    assert (rows[other.id].state, rows[other.id].mailbox) == ("scheduled", "new")


async def test_moved_messages_go_out_from_the_new_mailbox_with_their_message_ids(tmp_path: Path,
                                                                                  sqlite_url: str) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    queued = {row.recipient: row for row in queue(world, OLD, "ana@diario.mx", "eva@norte.mx")}
    handler = Recorder()
    async with smtp_server(handler) as port:
        box = NEW.model_copy(update={"port": port, "timeout": 2})
        idle = await SendLoop(world.store.engine, world.campaign, world.campaign_id, [box], worker="w1",
                              clock=lambda: LATER).run_once()
        assert idle.total == 0 and handler.messages == []
        move(world)
        report = await SendLoop(world.store.engine, world.campaign, world.campaign_id, [box], worker="w1",
                                clock=lambda: LATER).run_once()
    assert report.outcomes == {"sent": 2}
    for sender, [recipient], received in handler.messages:
        parsed = message_from_bytes(received, policy=policy.default)
        assert (sender, parsed["From"].addresses[0].addr_spec) == ("pablo@site.com", "pablo@site.com")
        assert parsed["Message-ID"] == queued[recipient].message_id
        assert received.split(b"\r\n", 1)[1] == all_rows(world)[queued[recipient].id].content
    with world.store.transaction() as session:
        logged = session.exec(select(SendLogEntry.mailbox, SendLogEntry.outcome)).all()
    assert logged == [("new", "sent"), ("new", "sent")]


def test_a_moved_pitch_takes_its_booked_follow_up_along(world: World) -> None:
    [pitch] = queue(world, OLD, "ana@diario.mx")
    move(world)
    moved = all_rows(world)[pitch.id]
    assert moved.planned_followups == pitch.planned_followups is not None
    composed = followup(world, moved, NEW)
    assert (composed.mailbox, composed.sender, composed.thread_root) == ("new", "pablo@site.com",
                                                                          pitch.message_id)


def test_a_follow_up_whose_pitch_went_from_a_mailbox_since_removed_goes_from_the_market_s(
        world: World) -> None:
    [pitch] = queue(world, OLD, "ana@diario.mx")
    composed = followup(world, pitch, mailbox())
    assert (composed.mailbox, composed.sender) == ("default", "lucia@site.com")
