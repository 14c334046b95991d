"""Follow-ups composed once the message before them is sent: from approved text only, stopped before
they exist, never twice, and swept up by the sender after a crash."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from outreach.core import audit, dnc, followup_plan, mailer, outbox, requests
from outreach.core.followups import compose_followups
from outreach.core.mailer import SendLoop
from outreach.core.models import LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_market
from outreach.core.send_results import settle_sent
from outreach.core.transport import MemoryMailer
from outreach.errors import SendingError
from tests.sending.world import NOW, World, mailbox, sending_campaign

NOT_APPROVED = "es-MX followup-1 is not approved for its current text"


@pytest.fixture
def world(tmp_path: Path, any_url: str) -> World:
    made = World.make(tmp_path / "ws", any_url, sending_campaign(followups=[3, 5]))
    made.approve_templates("es-MX", "followup-1", "followup-2")
    return made


def pitches(world: World, count: int = 1) -> list[OutboxMessage]:
    """Schedule `count` fresh requests; their pitch rows."""
    for number in range(count):
        world.request(email=f"e{number}@m{number}.mx", contact=f"Zoë Núñez {number}")
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox()], now=NOW, renderer=world.renderer(), rng=random.Random(5))
        assert not report.skipped
        assert report.followups == count * len(world.campaign.sending_for("es-MX").followups)
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def settle(world: World, *rows: OutboxMessage) -> None:
    """Mark messages sent without composing what follows (as a crash right after the send would)."""
    with world.store.transaction() as session:
        for row in rows:
            message = session.get(OutboxMessage, row.id)
            assert message is not None
            settle_sent(session, message, message.send_at, "250 OK")


def compose(world: World, session: Session, **options: object):
    return compose_followups(session, world.campaign, world.campaign_id, [mailbox()], renderer=world.renderer(),
                             now=NOW, **options)


def stop_entry(world: World, request_id: int):
    with world.store.transaction() as session:
        entries = audit.entries(session, object_type="request", object_id=str(request_id))
    return next(entry for entry in entries if entry.action == "outbox.stop")


def test_a_batch_reads_its_prospects_in_one_query_not_one_each(world: World) -> None:
    rows = pitches(world, 6)
    settle(world, *rows)
    statements: list[str] = []
    event.listen(world.store.engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]) if "FROM prospect" in args[2] else None)
    with world.store.transaction() as session:
        assert compose(world, session, ids=[row.id for row in rows]).composed == 6
    assert len(statements) == 1, statements


def test_a_reply_before_the_follow_up_exists_stops_it(world: World) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    with world.store.transaction() as session:
        assert outbox.stop_followups(session, pitch.request_id, reason="reply", actor="mailbox") == 2
        assert compose(world, session).composed == 0
    assert [(row.state, row.planned_followups) for row in world.messages(pitch.request_id)] == [("sent", None)]
    assert stop_entry(world, pitch.request_id).detail["steps"] == [1, 2]


def test_text_not_approved_waits_and_goes_once_approved(world: World) -> None:
    [pitch] = pitches(world)
    (world.root / "locales" / "es-MX" / "followup-1.j2").write_text("Buen día:\n\nOtra vez.\n", encoding="utf-8")
    report = world.sent(pitch.id or 0)
    assert (report.composed, dict(report.waiting)) == (0, {NOT_APPROVED: 1})
    assert world.messages(pitch.request_id)[0].planned_followups == pitch.planned_followups
    world.approve_templates("es-MX", "followup-1")
    with world.store.transaction() as session:
        assert compose(world, session).composed == 1
    first = world.messages(pitch.request_id)[1]
    assert b"Otra vez." in first.content


def test_a_prospect_whose_data_cannot_fill_the_text_ends_the_sequence_with_why(world: World) -> None:
    (world.root / "locales" / "es-MX" / "followup-1.j2").write_text(
        "Buen día, {{ contact.first_name[0] }}:\n\nLe escribo de nuevo.\n", encoding="utf-8")
    world.approve_templates("es-MX", "followup-1")
    [pitch] = pitches(world)
    with world.store.transaction() as session:
        prospect = session.get(Prospect, pitch.prospect_id)
        assert prospect is not None
        prospect.first_name = None
        session.add(prospect)
    report = world.sent(pitch.id or 0)
    assert (report.composed, list(report.ended)) == (0, ["followup-1 cannot be rendered"])
    assert world.messages(pitch.request_id)[0].planned_followups is None
    assert stop_entry(world, pitch.request_id).detail["steps"] == [1, 2]


@pytest.mark.parametrize("change", ["replied", "suppressed"])
def test_a_sequence_ends_when_its_request_moved_on_or_its_address_was_suppressed(world: World,
                                                                                change: str) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    with world.store.transaction() as session:
        if change == "replied":
            request = session.get(LinkRequest, pitch.request_id)
            assert request is not None
            requests.move(session, request, "replied", "maria")
        else:
            dnc.suppress(session, dnc.Subject("email", pitch.recipient), "hard-bounce")
        report = compose(world, session)
    assert dict(report.ended) == {"request replied" if change == "replied" else "dnc": 1}
    assert len(world.messages(pitch.request_id)) == 1


def test_a_follow_up_is_composed_once_however_often_it_is_asked_for(world: World) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    for _ in range(3):
        with world.store.transaction() as session:
            compose(world, session)
            compose(world, session, ids=[pitch.id])
    assert [row.step for row in world.messages(pitch.request_id)] == [0, 1]


@pytest.mark.postgres
def test_two_senders_never_compose_the_same_follow_up(tmp_path: Path, pg_url: str) -> None:
    world = World.make(tmp_path / "ws", pg_url, sending_campaign(followups=[3]))
    world.approve_templates("es-MX", "followup-1")
    rows = pitches(world, 4)
    settle(world, *rows)
    with world.store.transaction() as first:
        assert compose(world, first, ids=[rows[0].id, rows[1].id]).composed == 2
        with world.store.transaction() as second:  # the first holds its rows until it commits
            assert compose(world, second).composed == 2
    with world.store.transaction() as third:
        assert compose(world, third).examined == 0
    assert sorted(len(world.messages(row.request_id)) for row in rows) == [2, 2, 2, 2]


async def test_the_sender_composes_what_a_crash_left_before_sending(world: World) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    sender = SendLoop(world.store.engine, world.campaign, world.campaign_id, [mailbox()], worker="w",
                      mailer_for=lambda _box: MemoryMailer(), clock=lambda: NOW)
    report = await sender.run_once()
    assert (report.total, report.followups.composed) == (0, 1)
    booked = followup_plan.decode(pitch.planned_followups)
    first = world.messages(pitch.request_id)[1]
    assert (first.step, first.send_at, followup_plan.decode(first.planned_followups)) == (
        1, booked[0].send_at, booked[1:])


async def test_a_long_run_composes_follow_ups_every_so_many_sends(world: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mailer, "FOLLOWUPS_EVERY", 2)
    rows = pitches(world, 5)
    seen: list[int] = []
    sender = SendLoop(world.store.engine, world.campaign, world.campaign_id, [mailbox()], worker="w", batch=1,
                      mailer_for=lambda _box: MemoryMailer(), clock=lambda: max(row.send_at for row in rows),
                      progress=lambda report: seen.append(report.followups.composed))
    report = await sender.run_once()
    assert report.outcomes == {"sent": 5}
    assert seen == [0, 2, 2, 4, 4] and report.followups.composed == 5  # the last one when the run ends


def test_sending_a_request_now_composes_its_booked_follow_up_first(world: World) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    with world.store.transaction() as session:
        with pytest.raises(SendingError, match="no message waiting"):  # without the campaign: as before
            outbox.send_request_now(session, pitch.request_id, actor="maria", now=NOW)
        message = outbox.send_request_now(session, pitch.request_id, actor="maria", now=NOW,
                                          campaign=world.campaign, mailboxes=[mailbox()])
        assert (message.step, message.state, message.manual, message.send_at) == (1, "scheduled", True, NOW)


def test_sending_now_says_why_a_booked_follow_up_cannot_be_composed(world: World) -> None:
    [pitch] = pitches(world)
    settle(world, pitch)
    (world.root / "locales" / "es-MX" / "followup-1.j2").write_text("Buen día:\n\nOtra vez.\n", encoding="utf-8")
    with world.store.transaction() as session, pytest.raises(SendingError, match=NOT_APPROVED):
        outbox.send_request_now(session, pitch.request_id, actor="maria", now=NOW, campaign=world.campaign,
                                mailboxes=[mailbox()])
