"""Sending to a real aiosmtpd in this event loop: bytes, refusals, drops, timeouts, a server that is down."""

from __future__ import annotations

import random
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.mailer import SendLoop
from outreach.core.models import LinkRequest, Prospect, Suppression
from outreach.core.outbox_tables import OutboxMessage, SendLogEntry
from outreach.core.schedule import schedule_request
from outreach.core.send_accounts import MailboxSettings
from tests.sending.smtp_server import Recorder, smtp_server
from tests.sending.world import NOW, World, mailbox, sending_campaign

LATER = NOW + timedelta(days=20)
"""After every planned pitch (the planner keeps within a few business days here)."""


@pytest.fixture
def world(tmp_path: Path, sqlite_url: str) -> World:
    return World.make(tmp_path / "ws", sqlite_url, sending_campaign())


def queue(world: World, *emails: str, box: MailboxSettings | None = None) -> list[int]:
    """Schedule one approved pitch per address; returns the outbox ids."""
    ids = []
    for email in emails:
        request_id = world.request(email=email)
        with world.store.transaction() as session:
            rows = schedule_request(session, world.campaign, request_id, actor="maria",
                                    mailboxes=[box or mailbox()], now=NOW, rng=random.Random(len(ids)))
            ids.append(rows[0].id)
    return ids


def loop_for(world: World, port: int, **box: object) -> SendLoop:
    return SendLoop(world.store.engine, world.campaign, world.campaign_id,
                    [mailbox(port=port, timeout=2, **box)], worker="w1", clock=lambda: LATER)


def states(world: World) -> dict[str, str]:
    with world.store.transaction() as session:
        return {m.recipient: m.state for m in session.exec(select(OutboxMessage)).all()}


async def test_the_stored_bytes_are_the_bytes_the_server_receives(world: World) -> None:
    [outbox_id] = queue(world, "ana@diario.mx")
    handler = Recorder()
    async with smtp_server(handler) as port:
        report = await loop_for(world, port).run_once()
    assert report.outcomes == {"sent": 1}
    with world.store.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert row.state == "sent" and row.sent_at == LATER and "queued" in row.smtp_reply
        assert session.get(LinkRequest, row.request_id).state == "sent"
        assert session.get(Prospect, row.prospect_id).stage == "pitched"
    [(sender, rcpts, received)] = handler.messages
    assert (sender, rcpts) == ("lucia@site.com", ["ana@diario.mx"])
    date_line, rest = received.split(b"\r\n", 1)
    assert date_line.startswith(b"Date: ") and rest == row.content
    parsed = message_from_bytes(received, policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    assert parsed.get_content().replace("\r\n", "\n") == "Buen día:\n\nLe escribo de Site.\n"


async def test_a_5xx_at_rcpt_fails_the_message_and_suppresses_the_address(world: World) -> None:
    queue(world, "gone@diario.mx", "ana@otro.mx")
    handler = Recorder(rcpt_replies={"gone@diario.mx": "550 5.1.1 no such user"})
    async with smtp_server(handler) as port:
        report = await loop_for(world, port).run_once()
    assert report.outcomes == {"bounced": 1, "sent": 1}
    assert states(world) == {"gone@diario.mx": "failed", "ana@otro.mx": "sent"}
    with world.store.transaction() as session:
        assert session.exec(select(Suppression.reason)).all() == ["hard-bounce"]
        failed = session.exec(select(OutboxMessage).where(OutboxMessage.state == "failed")).one()
        assert failed.smtp_reply.startswith("550 5.1.1")


async def test_a_4xx_retries_with_backoff_then_gives_up_at_the_limit(world: World) -> None:
    world.campaign = world.campaign.model_copy(update={"sending": world.campaign.sending.model_copy(
        update={"max_attempts": 2, "retry_minutes": 10})})
    [outbox_id] = queue(world, "grey@diario.mx")
    handler = Recorder(rcpt_replies={"grey@diario.mx": "451 4.7.1 greylisted"})
    async with smtp_server(handler) as port:
        sender = loop_for(world, port)
        await sender.run_once()
        with world.store.transaction() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert (row.state, row.attempts, row.send_at) == ("scheduled", 1, LATER + timedelta(minutes=10))
        sender.clock = lambda: LATER + timedelta(minutes=11)
        await sender.run_once()
    with world.store.transaction() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert (row.state, row.attempts) == ("failed", 2)
        assert "gave up after 2 attempts: 451 4.7.1 greylisted" in row.smtp_reply
        assert session.exec(select(Suppression)).all() == []


async def test_a_5xx_after_data_fails_without_suppressing(world: World) -> None:
    queue(world, "spam@diario.mx")
    handler = Recorder(data_replies={"spam@diario.mx": "554 5.7.1 rejected as spam"})
    async with smtp_server(handler) as port:
        report = await loop_for(world, port).run_once()
    assert report.outcomes == {"failed": 1}
    with world.store.transaction() as session:
        assert session.exec(select(Suppression)).all() == []


async def test_a_connection_dropped_mid_batch_defers_one_and_sends_the_rest_once(world: World) -> None:
    emails = [f"editor{n}@medio{n}.mx" for n in range(5)]
    queue(world, *emails)
    handler = Recorder(drop_at_mail={2})
    async with smtp_server(handler) as port:
        sender = loop_for(world, port)
        first = await sender.run_once()
        assert first.outcomes == {"sent": 4, "deferred": 1}
        sender.clock = lambda: LATER + timedelta(hours=1)
        await sender.run_once()
    assert set(states(world).values()) == {"sent"}
    assert sorted(rcpt for _, [rcpt], _ in handler.messages) == sorted(emails)


async def test_no_answer_after_data_is_uncertain_and_never_resent(world: World) -> None:
    queue(world, "slow@diario.mx", "ana@otro.mx")
    handler = Recorder(silent_data_for={"slow@diario.mx"})
    async with smtp_server(handler) as port:
        sender = loop_for(world, port)
        report = await sender.run_once()
        assert report.outcomes == {"uncertain": 1, "sent": 1}
        sender.clock = lambda: LATER + timedelta(days=3)
        again = await sender.run_once()
    assert again.total == 0
    assert states(world) == {"slow@diario.mx": "uncertain", "ana@otro.mx": "sent"}
    assert len(handler.received_by("slow@diario.mx")) == 1


async def test_a_server_that_is_down_defers_everything(world: World) -> None:
    queue(world, "ana@diario.mx")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = await loop_for(world, port).run_once()
    assert report.outcomes == {"deferred": 1}
    with world.store.transaction() as session:
        row = session.exec(select(OutboxMessage)).one()
        assert row.state == "scheduled" and "cannot connect" in row.smtp_reply


async def test_smtputf8_is_used_only_when_an_address_needs_it_and_offered(world: World) -> None:
    queue(world, "josé@diario.mx", "ana@diario.mx")
    handler = Recorder()
    async with smtp_server(handler, smtputf8=True) as port:
        await loop_for(world, port).run_once()
    assert sorted(handler.mail_options) == [[], ["SMTPUTF8"]] or sorted(
        [o for o in handler.mail_options if "SMTPUTF8" in o]) == [["SMTPUTF8"]]
    assert set(states(world).values()) == {"sent"}


async def test_a_server_without_smtputf8_fails_a_unicode_address_clearly(world: World) -> None:
    queue(world, "josé@diario.mx")
    async with smtp_server(Recorder(), smtputf8=False) as port:
        await loop_for(world, port).run_once()
    with world.store.transaction() as session:
        row = session.exec(select(OutboxMessage)).one()
        assert row.state == "failed" and "SMTPUTF8" in row.smtp_reply


async def test_the_daily_cap_counts_the_persisted_log(world: World) -> None:
    queue(world, *(f"e{n}@m{n}.mx" for n in range(3)), box=mailbox(daily_cap=None))
    async with smtp_server(Recorder()) as port:
        report = await loop_for(world, port, daily_cap=2).run_once()
        assert report.outcomes == {"sent": 2}
        again = await loop_for(world, port, daily_cap=2).run_once()
        assert again.total == 0
    with world.store.transaction() as session:
        assert len(session.exec(select(SendLogEntry)).all()) == 2


async def test_a_bounce_rate_over_the_threshold_pauses_the_mailbox(world: World) -> None:
    emails = [f"e{n}@m{n}.mx" for n in range(6)]
    queue(world, *emails, box=mailbox(daily_cap=None))
    handler = Recorder(rcpt_replies={emails[0]: "550 5.1.1 unknown", emails[1]: "550 5.1.1 unknown"})
    async with smtp_server(handler) as port:
        sender = loop_for(world, port, bounce_min_sent=3, bounce_threshold=0.2)
        sender.batch = 3
        report = await sender.run_once()
    assert report.paused == ["default"]
    assert report.total == 3
    assert list(states(world).values()).count("scheduled") == 3
