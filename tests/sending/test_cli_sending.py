"""`outreach schedule`, `send` and `outbox` from the command line, against a separate-process aiosmtpd."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select
from typer.testing import CliRunner

from outreach.cli import app
from outreach.core import audit
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_market
from outreach.errors import ConfigError
from outreach.settings import load_settings
from tests.sending.processes import received, server_process, worker, write_mailbox_settings
from tests.sending.world import NOW, World, mailbox, sending_campaign

runner = CliRunner()


@pytest.fixture
def world(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OUTREACH_SMTP_PORT", "1")
    monkeypatch.setenv("OUTREACH_SMTP_SECURITY", "none")
    monkeypatch.setenv("OUTREACH_FROM", "Lucía Romero <lucia@site.com>")
    made = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    made.request(email="ana@diario.mx")
    made.request(email="luis@tijuana.mx", timezone="America/Tijuana")
    return made


def run(world: World, *args: str) -> Any:
    return runner.invoke(app, ["-C", str(world.root), "--db", str(world.store.engine.url), *args])


def queue_past(world: World) -> None:
    """Queue both requests as if scheduled a few weeks ago, so they are due now."""
    with world.store.transaction() as session:
        schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                        mailboxes=load_settings().sending_mailboxes(), now=NOW)


def rows(world: World) -> list[OutboxMessage]:
    with world.store.transaction() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_schedule_a_market_shows_local_and_utc_times(world: World) -> None:
    result = run(world, "schedule", "--market", "es-MX")
    assert result.exit_code == 0, result.output
    assert "queued 2 request(s), 2 message(s)" in result.output
    assert "America/Tijuana" in result.output and "America/Mexico_City" in result.output
    listed = json.loads(run(world, "schedule", "--market", "es-MX", "--json").stdout)
    tijuana = next(row for row in listed if row["recipient"] == "luis@tijuana.mx")
    assert tijuana["send_at_local"].endswith("-08:00") and tijuana["send_at_utc"].endswith("+00:00")


def test_schedule_now_sends_one_message_first_and_is_audited(world: World) -> None:
    run(world, "schedule", "--market", "es-MX")
    request_id = rows(world)[1].request_id
    result = run(world, "schedule", str(request_id), "--now")
    assert result.exit_code == 0, result.output
    assert "goes with the next `outreach send`" in result.output
    now_row = rows(world)[1]
    assert now_row.manual
    with world.store.transaction() as session:
        entry = audit.entries(session, object_type="outbox", object_id=str(now_row.id))[0]
        assert (entry.action, entry.actor) == ("outbox.send-now", "tester")


def test_dry_run_lists_what_is_due_and_changes_nothing(world: World) -> None:
    queue_past(world)
    before = [(row.state, row.attempts) for row in rows(world)]
    result = run(world, "send", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("would send") == 2 and "nothing sent (--dry-run)" in result.output
    assert [(row.state, row.attempts) for row in rows(world)] == before


def test_send_once_delivers_through_a_separate_server_process(world: World, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    queue_past(world)
    log = tmp_path / "server.log"
    with server_process(log) as port:
        monkeypatch.setenv("OUTREACH_SMTP_PORT", str(port))
        result = run(world, "send", "--once", "--worker", "cli")
    assert result.exit_code == 0, result.output
    assert "sent run: sent 2" in result.output
    assert set(received(log)) == {row.message_id for row in rows(world)}
    assert {row.state for row in rows(world)} == {"sent"}


def test_uncertain_messages_are_listed_and_resolved(world: World) -> None:
    run(world, "schedule", "--market", "es-MX")
    with world.store.transaction() as session:
        row = session.get(OutboxMessage, rows(world)[0].id)
        row.state = "uncertain"
        session.add(row)
    listed = json.loads(run(world, "outbox", "list", "--uncertain", "--json").stdout)
    assert [item["recipient"] for item in listed["messages"]] == ["ana@diario.mx"]
    assert listed["mailboxes"][0]["name"] == "default"
    bare = run(world, "outbox")
    assert bare.exit_code == 0 and "mailbox default: 0/50 in 24 h, 1 waiting" in bare.output
    refused = run(world, "outbox", "resolve", str(rows(world)[0].id))
    assert refused.exit_code != 0 and "--delivered or --not-delivered" in refused.output
    result = run(world, "outbox", "resolve", str(rows(world)[0].id), "--not-delivered", "--note", "bounced")
    assert result.exit_code == 0, result.output
    assert "not-delivered, now failed" in result.output
    again = run(world, "outbox", "resolve", str(rows(world)[0].id), "--delivered")
    assert again.exit_code == 2 and "is failed, not uncertain" in again.output


def test_resume_a_mailbox_that_is_not_paused_is_a_clear_error(world: World) -> None:
    result = run(world, "outbox", "resume", "default")
    assert result.exit_code == 2 and "mailbox 'default' is not paused" in result.output


def test_smtp_settings_come_from_the_environment_and_never_reach_the_store(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_SMTP_USER", "lucia")
    monkeypatch.setenv("OUTREACH_SMTP_PASSWORD", "s3cret-pässword")
    [box] = load_settings().sending_mailboxes()
    assert (box.host, box.user, box.from_address, box.from_name) == ("127.0.0.1", "lucia", "lucia@site.com",
                                                                     "Lucía Romero")
    assert box.password is not None and "s3cret" not in repr(box)
    queue_past(world)
    run(world, "send", "--once")
    with world.store.engine.connect() as connection:
        tables = [name for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        dump = " ".join(str(row) for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"')))
    assert "s3cret" not in dump and "lucia@site.com" in dump


def test_a_host_without_a_from_address_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "smtp.site.com")
    with pytest.raises(ConfigError, match="OUTREACH_FROM is not"):
        load_settings().sending_mailboxes()
    monkeypatch.setenv("OUTREACH_FROM", "lucia@site.com")
    monkeypatch.setenv("OUTREACH_SMTP_SECURITY", "ssl")
    with pytest.raises(ConfigError, match="smtp_security"):
        load_settings()


def queue_for_removed_mailbox(world: World) -> None:
    """Queue both requests, due now, for a mailbox `old` that settings no longer have."""
    with world.store.transaction() as session:
        schedule_market(session, world.campaign, world.campaign_id, "es-MX", actor="maria",
                        mailboxes=[mailbox(name="old", from_address="pablo@old-site.com")], now=NOW)


STRANDED = "mailbox 'old' is not in settings: 2 es-MX message(s) wait for it, 2 due now and will never be sent"


def test_send_and_the_outbox_warn_about_messages_whose_mailbox_left_settings(world: World) -> None:
    queue_for_removed_mailbox(world)
    for args in (["outbox"], ["outbox", "list"], ["send", "--dry-run"], ["send", "--once"]):
        result = run(world, *args)
        assert result.exit_code == 0, result.output
        assert result.stderr.count(STRANDED) == 1, args
        assert 'Restore [[mailboxes]] name = "old" in settings.toml, or move them: outreach outbox move ' \
               "--from old --to MAILBOX --market es-MX" in result.stderr
    assert "sent run: nothing due" in result.stdout
    listed = json.loads(run(world, "outbox", "list", "--json").stdout)
    assert listed["stranded"] == [{"mailbox": "old", "market": "es-MX", "waiting": 2, "due": 2}]
    write_mailbox_settings(1, name="old", from_address="pablo@old-site.com")  # restored in settings
    assert "not in settings" not in run(world, "outbox").stderr


def test_a_polling_send_warns_once_for_the_whole_run(world: World, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    queue_for_removed_mailbox(world)
    world.request(email="eva@norte.mx")
    queue_past(world)
    with server_process(tmp_path / "server.log") as port:
        monkeypatch.setenv("OUTREACH_SMTP_PORT", str(port))
        process = worker(world.root, str(world.store.engine.url), "poller", "--poll", "0.1")
        assert process.stderr is not None
        lines = [process.stderr.readline()]
        while "sent 1" not in lines[-1]:  # the first round has sent; later polls find nothing due
            lines.append(process.stderr.readline())
            assert lines[-1], "".join(lines)
        process.send_signal(signal.SIGINT)
        rest, more = process.communicate(timeout=60)
    assert "".join(lines).count(STRANDED) + more.count(STRANDED) == 1
    assert "sent run: sent 1" in rest


def test_outbox_move_hands_the_messages_to_a_configured_mailbox_that_then_sends_them(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queue_for_removed_mailbox(world)
    before = {row.id: row.message_id for row in rows(world)}
    refused = run(world, "outbox", "move", "--from", "old", "--to", "gone")
    assert refused.exit_code == 2 and "mailbox 'gone' is not in settings (configured: default)" in refused.output
    result = run(world, "outbox", "move", "--from", "old", "--to", "default", "--market", "es-MX")
    assert result.exit_code == 0, result.output
    assert ("moved 2 queued message(s) (2 es-MX) from mailbox 'old' to 'default'; they now go from "
            "lucia@site.com under its caps") in result.stdout
    again = run(world, "outbox", "move", "--from", "old", "--to", "default")
    assert again.exit_code == 0 and "nothing to move" in again.stderr
    assert "not in settings" not in run(world, "outbox").stderr
    with world.store.transaction() as session:
        actions = {entry.action for entry in audit.entries(session, object_type="outbox")}
    assert actions == {"outbox.move"}
    log = tmp_path / "server.log"
    with server_process(log) as port:
        monkeypatch.setenv("OUTREACH_SMTP_PORT", str(port))
        sent = run(world, "send", "--once", "--worker", "cli")
    assert sent.exit_code == 0 and "sent run: sent 2" in sent.stdout, sent.output
    assert set(received(log)) == set(before.values())
    assert {(row.state, row.sender, row.mailbox) for row in rows(world)} == {("sent", "lucia@site.com", "default")}


def test_booked_follow_ups_show_as_planned_and_a_send_run_composes_them(tmp_path: Path, sqlite_url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign(followups=[3, 5]))
    world.approve_templates("es-MX", "followup-1", "followup-2")
    world.request(email="ana@diario.mx")
    for name, value in (("HOST", "127.0.0.1"), ("PORT", "1"), ("SECURITY", "none")):
        monkeypatch.setenv(f"OUTREACH_SMTP_{name}", value)
    monkeypatch.setenv("OUTREACH_FROM", "Lucía Romero <lucia@site.com>")
    result = run(world, "schedule", "--market", "es-MX")
    assert result.exit_code == 0, result.output
    assert "queued 1 request(s), 1 message(s); 2 follow-up(s) booked" in result.output
    listed = json.loads(run(world, "outbox", "list", "--json").stdout)["messages"]
    assert [(row["step"], row["state"], row["id"] is None) for row in listed] == [
        ("pitch", "scheduled", False), ("followup-1", "planned", True), ("followup-2", "planned", True)]
    assert listed[2]["note"] == "composed once followup-1 is sent"
    with world.store.transaction() as session:  # the pitch is due now
        session.connection().execute(text("UPDATE outbox SET send_at = :at"), {"at": NOW})
    log = tmp_path / "server.log"
    with server_process(log) as port:
        monkeypatch.setenv("OUTREACH_SMTP_PORT", str(port))
        sent = run(world, "send", "--once", "--worker", "cli")
    assert sent.exit_code == 0, sent.output
    assert "sent run: sent 1" in sent.output and "follow-ups queued: 1" in sent.output
    assert [(row.step, row.state) for row in rows(world)] == [(0, "sent"), (1, "scheduled")]
