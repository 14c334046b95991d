"""Real processes: a worker killed with SIGKILL mid-batch and restarted, and concurrent workers on one
PostgreSQL database. Every message is delivered exactly once or is `uncertain`; none twice, none lost."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_market
from tests.sending.processes import received, server_process, worker, write_mailbox_settings
from tests.sending.world import NOW, World, mailbox, sending_campaign


def queue_many(world: World, count: int) -> None:
    """`count` approved pitches to distinct domains, queued for times already past."""
    for number in range(count):
        world.request(email=f"editor{number}@medio{number}.mx")
    with world.store.transaction() as session:
        report = schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                                 mailboxes=[mailbox(daily_cap=None, domain_gap_seconds=0)], now=NOW,
                                 rng=random.Random(3))
    assert report.messages == count


def rows(world: World) -> list[OutboxMessage]:
    with world.store.transaction() as session:
        return list(session.exec(select(OutboxMessage)).all())


def wait_for_lines(log: Path, count: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while sum(received(log).values()) < count:
        assert time.monotonic() < deadline, f"the server got fewer than {count} messages in {timeout}s"
        time.sleep(0.02)


def assert_exactly_once_or_uncertain(world: World, log: Path, count: int) -> None:
    seen = received(log)
    assert max(seen.values()) == 1, "a message was delivered twice"
    messages = rows(world)
    assert len(messages) == count
    for message in messages:
        assert message.state in ("sent", "uncertain"), (message.id, message.state)
        if message.state == "sent":
            assert seen[message.message_id] == 1, f"#{message.id} is sent but the server never got it"
    assert set(seen) <= {message.message_id for message in messages}


def test_sigkill_mid_batch_then_restart_sends_nothing_twice_and_loses_nothing(
        tmp_path: Path, sqlite_url: str) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    queue_many(world, 40)
    log = tmp_path / "received.log"
    with server_process(log, delay=0.03) as port:
        write_mailbox_settings(port)
        first = worker(world.root, sqlite_url, "w1", "--batch", "8", "--poll", "0.2")
        wait_for_lines(log, 12)
        first.send_signal(signal.SIGKILL)
        first.wait()
        mid = [message.state for message in rows(world)]
        assert "sending" in mid and "scheduled" in mid, "the kill should land mid-run, mid-batch"
        second = worker(world.root, sqlite_url, "w1", "--once")
        output, errors = second.communicate(timeout=120)
        assert second.returncode == 0, errors
    assert "now uncertain" in errors and "sent run: sent" in output
    assert_exactly_once_or_uncertain(world, log, 40)
    states = [message.state for message in rows(world)]
    assert 1 <= states.count("uncertain") <= 8, "only the batch in hand when killed is uncertain"


@pytest.mark.postgres
def test_concurrent_workers_on_postgresql_never_send_a_message_twice(tmp_path: Path, pg_url: str) -> None:
    world = World.make(tmp_path / "ws", pg_url, sending_campaign(velocity_lifted=True))
    queue_many(world, 120)
    log = tmp_path / "received.log"
    with server_process(log, delay=0.005) as port:
        write_mailbox_settings(port)
        workers = [worker(world.root, pg_url, f"w{n}", "--once", "--batch", "5") for n in range(4)]
        results = [process.communicate(timeout=180) for process in workers]
    assert all(process.returncode == 0 for process in workers), [errors for _, errors in results]
    seen = received(log)
    assert sum(seen.values()) == 120 and max(seen.values()) == 1
    assert {message.state for message in rows(world)} == {"sent"}
    senders = {message.claimed_by for message in rows(world)}
    assert len(senders) >= 2, f"only {senders} did any work: the test did not run workers side by side"
