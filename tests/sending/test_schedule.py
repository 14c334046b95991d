"""Planning send times: recipient windows, jitter, mailbox caps with follow-ups, domain spacing,
velocity, follow-up delays; and what stops a sequence (stage, do-not-contact, forget)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from outreach.core import dnc, followup_plan
from outreach.core.forget import forget
from outreach.core.mailer import SendLoop
from outreach.core.models import LinkRequest
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.prospect_list import change_stage
from outreach.core.schedule import schedule_market, schedule_request
from outreach.core.transport import MemoryMailer
from outreach.errors import SendingError
from tests.sending.world import NOW, World, mailbox, sending_campaign


def make(tmp_path: Path, url: str, **sending: object) -> World:
    return World.make(tmp_path / "ws", url, sending_campaign(**sending))


def queue_all(world: World, market: str = "es-MX", **box: object) -> list[OutboxMessage]:
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, market, actor="maria",
                                 mailboxes=[mailbox(**box)], now=NOW, renderer=world.renderer(),
                                 rng=random.Random(5))
        assert not report.skipped, report.skipped
    return all_rows(world)


def all_rows(world: World) -> list[OutboxMessage]:
    with world.store.transaction() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.request_id,
                                                                OutboxMessage.step)).all())


def test_pitches_land_in_the_recipient_s_window_with_jitter(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url)
    for number in range(12):
        world.request(email=f"e{number}@m{number}.mx", timezone="America/Tijuana" if number % 2 else None)
    rows = queue_all(world)
    for row in rows:
        local = row.send_at.astimezone(ZoneInfo(row.timezone))
        assert local.weekday() in (0, 1, 2, 3) and "09:30" <= f"{local:%H:%M}" < "11:30", local
        assert local.date() != date(2026, 11, 16), "Revolution Day (observed) is a holiday"
    assert {row.timezone for row in rows} == {"America/Mexico_City", "America/Tijuana"}
    assert len({(row.send_at.minute, row.send_at.second) for row in rows}) == 12
    assert any(row.send_at.second for row in rows), "jitter: not all on the minute"


def booked(rows: list[OutboxMessage]) -> list[followup_plan.PlannedStep]:
    """The follow-ups the rows book without composing them yet."""
    return [step for row in rows for step in followup_plan.decode(row.planned_followups)]


def test_the_mailbox_cap_counts_booked_follow_ups_and_holds_across_runs(tmp_path: Path,
                                                                        sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url, followups=[1])
    world.approve_templates("es-MX", "followup-1")
    for number in range(4):
        world.request(email=f"e{number}@m{number}.mx")
    queue_all(world, daily_cap=3)
    for number in range(4, 6):
        world.request(email=f"e{number}@m{number}.mx")
    rows = queue_all(world, daily_cap=3)
    times = [row.send_at for row in rows] + [step.send_at for step in booked(rows)]
    assert (len(rows), len(times)) == (6, 12)
    per_day = Counter(when.date() for when in times)
    assert max(per_day.values()) == 3
    assert any(per_day[step.send_at.date()] == 3 for step in booked(rows))


def test_one_recipient_domain_is_spaced_out(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url)
    for number in range(8):
        world.request(email=f"editor{number}@grupo.mx")
    times = sorted(row.send_at for row in queue_all(world, domain_gap_seconds=900))
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= timedelta(seconds=900)


def test_the_market_velocity_caps_pitches_per_rolling_week(tmp_path: Path, sqlite_url: str) -> None:
    data = sending_campaign()
    data["rules"] = {"velocity": {"requests_7d": 3, "requests_30d": 80}}
    world = World.make(tmp_path / "ws", sqlite_url, data)
    for number in range(7):
        world.request(email=f"e{number}@m{number}.mx")
    days = sorted(row.send_at.date() for row in queue_all(world, daily_cap=None))
    for day in days:
        assert sum(1 for other in days if timedelta(0) <= day - other < timedelta(days=7)) <= 3


def test_follow_ups_wait_business_days_and_thread_under_the_market_s_prefix(
        tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url, followups=[3, 5], reply_prefix="RE: ")
    world.approve_templates("es-MX", "followup-1", "followup-2")
    world.request(email="ana@diario.mx", subject="Datos para El Diario")
    [pitch] = queue_all(world)
    mexico = ZoneInfo("America/Mexico_City")
    first_booked, second_booked = booked([pitch])
    assert (first_booked.delay_days, second_booked.delay_days) == (3, 5)
    working = [pitch.send_at.astimezone(mexico).date()]
    day = working[0]
    while len(working) < 9:
        day += timedelta(days=1)
        if day.weekday() < 4:
            working.append(day)
    assert first_booked.send_at.astimezone(mexico).date() == working[3]
    assert second_booked.send_at.astimezone(mexico).date() == working[8]
    world.sent(pitch.id or 0)
    first = world.messages(pitch.request_id)[1]
    world.sent(first.id or 0)
    second = world.messages(pitch.request_id)[2]
    assert (first.send_at, second.send_at) == (first_booked.send_at, second_booked.send_at)
    assert (first.delay_days, second.delay_days) == (3, 5)
    parsed = message_from_bytes(second.content, policy=policy.default)
    assert parsed["Subject"] == "RE: Datos para El Diario"
    assert parsed["In-Reply-To"] == pitch.message_id == second.thread_root
    assert "Gracias por su tiempo" in parsed.get_body(("plain",)).get_content()


def test_an_unapproved_follow_up_leaves_the_request_approved_with_the_reason(
        tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url, followups=[3])
    request_id = world.request()
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox()], now=NOW, renderer=world.renderer())
        assert report.requests == 0
        assert report.skipped == (f"request #{request_id}: es-MX followup-1 is not approved for its "
                                  "current text",)
        assert session.get(LinkRequest, request_id).state == "approved"
    assert all_rows(world) == []


def test_a_subject_that_would_inject_a_header_skips_its_request_and_the_rest_are_scheduled(
        tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url)
    good = world.request()
    bad = world.request(subject="Datos\r\nBcc: evil@x.com")
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox()], now=NOW, renderer=world.renderer())
        assert report.requests == 1
        assert len(report.skipped) == 1 and report.skipped[0].startswith(f"request #{bad}: ")
        assert "\\r" in report.skipped[0]  # the message names the character that was refused
        assert session.get(LinkRequest, bad).state == "approved"
    assert [row.request_id for row in all_rows(world)] == [good]


def test_do_not_contact_and_missing_mailboxes_are_refused(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url)
    request_id = world.request(email="ana@bloqueado.mx")
    with world.store.transaction() as session:
        dnc.add_entry(session, "bloqueado.mx", reason="asked", actor="maria")
    with world.store.transaction() as session, pytest.raises(SendingError, match="do-not-contact"):
        schedule_request(session, world.campaign, request_id, actor="maria", mailboxes=[mailbox()], now=NOW)
    with world.store.transaction() as session, pytest.raises(SendingError, match="no sending mailbox"):
        schedule_request(session, world.campaign, request_id, actor="maria", mailboxes=[], now=NOW)


@pytest.mark.parametrize(("change", "reason"), [
    ("stage", "stage:replied"), ("dnc", "dnc"),
], ids=["stage-change", "do-not-contact"])
def test_stage_changes_and_do_not_contact_stop_waiting_messages(tmp_path: Path, any_url: str, change: str,
                                                                reason: str) -> None:
    world = make(tmp_path, any_url, followups=[3])
    world.approve_templates("es-MX", "followup-1")
    world.request(email="ana@diario.mx")
    world.request(email="luis@otro.mx")
    rows = queue_all(world)
    with world.store.transaction() as session:
        if change == "stage":
            change_stage(session, rows[0].prospect_id, "replied", actor="maria")
        else:
            dnc.add_entry(session, "ana@diario.mx", reason="asked", actor="maria")
    states = {row.recipient: (row.state, row.stop_reason, row.planned_followups) for row in all_rows(world)}
    assert states["ana@diario.mx"] == ("stopped", reason, None)
    assert states["luis@otro.mx"] == ("scheduled", None, rows[1].planned_followups)
    assert rows[1].planned_followups
    with world.store.transaction() as session:
        assert session.get(LinkRequest, rows[0].request_id).state == "cancelled"


def test_moving_to_pitched_keeps_the_follow_ups(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url, followups=[3])
    world.approve_templates("es-MX", "followup-1")
    world.request()
    rows = queue_all(world)
    with world.store.transaction() as session:
        change_stage(session, rows[0].prospect_id, "pitched", actor="maria")
    assert [(row.state, row.planned_followups) for row in all_rows(world)] == [
        ("scheduled", rows[0].planned_followups)]
    assert rows[0].planned_followups


def test_forget_erases_the_messages_of_the_forgotten(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url)
    world.request(email="ana@diario.mx")
    world.request(email="luis@otro.mx")
    queue_all(world)
    with world.store.transaction() as session:
        forget(session, "ana@diario.mx", actor="maria")
    assert [row.recipient for row in all_rows(world)] == ["luis@otro.mx"]


async def test_a_late_pitch_pushes_its_follow_up_back(tmp_path: Path, sqlite_url: str) -> None:
    world = make(tmp_path, sqlite_url, followups=[2])
    world.approve_templates("es-MX", "followup-1")
    world.request()
    [pitch] = queue_all(world)
    late = booked([pitch])[0].send_at + timedelta(hours=1)
    mailer = MemoryMailer()
    sender = SendLoop(world.store.engine, world.campaign, world.campaign_id, [mailbox()], worker="w",
                      mailer_for=lambda _box: mailer, clock=lambda: late)
    report = await sender.run_once()
    assert report.outcomes == {"sent": 1}, "the follow-up waits for its own delay after the real send"
    assert report.followups.composed == 1
    moved = all_rows(world)[1]
    mexico = ZoneInfo("America/Mexico_City")
    assert moved.send_at.astimezone(mexico).date() > late.astimezone(mexico).date()
    assert [recipient for _, recipient, _ in mailer.sent] == [pitch.recipient]
