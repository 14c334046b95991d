"""The outbox pane in a host app: queue with local and UTC times, caps, uncertain messages, sending."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from outreach.core import audit
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.schedule import schedule_request
from outreach.settings import load_settings
from outreach.tui.panes.outbox import OutboxPane
from outreach.tui.workspace import Workspace
from tests.sending.smtp_server import Recorder, smtp_server
from tests.sending.world import NOW, World, mailbox, sending_campaign


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield OutboxPane(self.workspace, poll_seconds=0.2)


@pytest.fixture
def world(tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OUTREACH_SMTP_SECURITY", "none")
    monkeypatch.setenv("OUTREACH_FROM", "Lucía Romero <lucia@site.com>")
    made = World.make(tmp_path / "ws", sqlite_url, sending_campaign())
    for number, (email, zone) in enumerate([("ana@diario.mx", None), ("luis@tijuana.mx", "America/Tijuana"),
                                            ("eva@norte.mx", None)]):
        request_id = made.request(email=email, timezone=zone)
        with made.store.transaction() as session:
            schedule_request(session, made.campaign, request_id, actor="maria", mailboxes=[mailbox()],
                             now=NOW, rng=random.Random(number))
    with made.store.transaction() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "eva@norte.mx")).one()
        row.state, row.claimed_by, row.smtp_reply = "uncertain", "w1", "no answer after DATA"
        session.add(row)
    return made


def workspace_of(world: World, port: int = 2525) -> Workspace:
    settings = load_settings(campaign=world.root, database_url=str(world.store.engine.url))
    settings = settings.model_copy(update={"smtp_port": port})
    return Workspace(settings, world.campaign, world.store)


async def loaded(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_queue_caps_and_uncertain_messages_are_shown(world: World) -> None:
    app = Host(workspace_of(world))
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        queue = app.query_one("#outbox-queue", DataTable)
        rows = [queue.get_row_at(index) for index in range(queue.row_count)]
        assert [row[4] for row in rows] == ["ana@diario.mx", "luis@tijuana.mx"]
        tijuana = rows[1]
        assert "America/Tijuana" in tijuana[5] and tijuana[6] != tijuana[5][4:20]
        uncertain = app.query_one("#outbox-uncertain", DataTable)
        assert uncertain.row_count == 1 and uncertain.get_row_at(0)[2] == "eva@norte.mx"
        caps = str(app.query_one("#outbox-caps", Static).render())
        assert caps == "Mailbox default: 0/50 today, 2 waiting"
        app.query_one(OutboxPane).show_market("es-ES")
        await loaded(pilot)
        assert queue.row_count == 0
        assert str(app.query_one("#outbox-queue-heading", Static).render()).startswith("Queue of es-ES: 0")


async def test_resolving_an_uncertain_message_is_audited(world: World) -> None:
    app = Host(workspace_of(world))
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        app.query_one("#outbox-uncertain", DataTable).focus()
        await pilot.press("d")
        await loaded(pilot)
        await loaded(pilot)
        assert app.query_one("#outbox-uncertain", DataTable).row_count == 0
    with world.store.transaction() as session:
        row = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "eva@norte.mx")).one()
        assert (row.state, row.resolution, row.resolved_by) == ("sent", "delivered", "tester")
        entry = audit.entries(session, object_type="outbox", object_id=str(row.id))[0]
        assert entry.detail["note"] == "resolved in the app"


async def test_sending_starts_and_stops_from_a_worker_with_progress(world: World) -> None:
    handler = Recorder()
    async with smtp_server(handler) as port:
        app = Host(workspace_of(world, port))
        async with app.run_test(size=(160, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("s")
            for _ in range(200):
                await pilot.pause(0.05)
                if "sent 2" in str(app.query_one("#outbox-sender", Static).render()):
                    break
            assert "Sender running: sent 2" in str(app.query_one("#outbox-sender", Static).render())
            await pilot.press("x")
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.query_one(OutboxPane).sending:
                    break
            await loaded(pilot)
            status = str(app.query_one("#outbox-sender", Static).render())
            assert status.startswith("Sender stopped: sent 2")
            assert app.query_one("#outbox-queue", DataTable).row_count == 0
    assert sorted(rcpts[0] for _, rcpts, _ in handler.messages) == ["ana@diario.mx", "luis@tijuana.mx"]


async def test_messages_for_a_mailbox_not_in_settings_are_a_warning_line_and_one_notification(
        world: World) -> None:
    request_id = world.request(email="pau@diari.mx")
    with world.store.transaction() as session:
        schedule_request(session, world.campaign, request_id, actor="maria", now=NOW,
                         mailboxes=[mailbox(name="old", from_address="pablo@old-site.com")])
    app = Host(workspace_of(world))
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        line = app.query_one("#outbox-stranded", Static)
        assert line.display
        assert str(line.render()).startswith("⚠ mailbox 'old' is not in settings: 1 es-MX message(s) wait for "
                                             "it, 1 due now and will never be sent. Restore [[mailboxes]]")
        app.query_one(OutboxPane).reload()
        await loaded(pilot)
        warnings = [note for note in app._notifications if note.severity == "warning"]
        assert [note.title for note in warnings] == ["Messages nothing will send"]
        assert "outreach outbox move --from old --to MAILBOX --market es-MX" in warnings[0].message


async def test_no_warning_line_while_every_queued_mailbox_is_in_settings(world: World) -> None:
    app = Host(workspace_of(world))
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        assert not app.query_one("#outbox-stranded", Static).display
        assert list(app._notifications) == []


def test_outbox_pane_snapshot(world: World, snap_compare: Any) -> None:
    assert snap_compare(Host(workspace_of(world)), terminal_size=(160, 30), run_before=loaded)


async def test_booked_follow_ups_show_in_the_queue_as_planned(tmp_path: Path, sqlite_url: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OUTREACH_FROM", "Lucía Romero <lucia@site.com>")
    world = World.make(tmp_path / "ws", sqlite_url, sending_campaign(followups=[3]))
    world.approve_templates("es-MX", "followup-1")
    with world.store.transaction() as session:
        schedule_request(session, world.campaign, world.request(email="ana@diario.mx"), actor="maria",
                         mailboxes=[mailbox()], now=NOW, rng=random.Random(1))
    app = Host(workspace_of(world))
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        queue = app.query_one("#outbox-queue", DataTable)
        rows = [queue.get_row_at(index) for index in range(queue.row_count)]
        assert [(row[0], row[2], row[3]) for row in rows] == [
            (rows[0][0], "pitch", "scheduled"), ("planned", "followup-1", "planned")]
        assert rows[0][0].isdigit() and rows[1][8] == "composed once pitch is sent"[:20]
