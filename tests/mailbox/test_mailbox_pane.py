"""The mailbox pane in a host app: per-market counts, events, a prospect's history, sync in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, ProgressBar, Static

from outreach.core.imap_settings import ImapMailbox
from outreach.core.mailbox_inbound import Where, record_message
from outreach.settings import load_settings
from outreach.tui.panes.mailbox import MailboxPane
from outreach.tui.workspace import Workspace
from tests.mailbox.dovecot import Account
from tests.mailbox.mail_world import MailWorld


class Host(App[None]):
    """Just the pane."""

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield MailboxPane(self.workspace)


def _workspace(mail: MailWorld, url: str, *boxes: ImapMailbox, minutes: int = 0) -> Workspace:
    settings = load_settings(campaign=mail.world.root, database_url=url, imap_mailboxes=boxes,
                             imap_sync_minutes=minutes)
    return Workspace(settings, mail.world.campaign, mail.world.store)


def _recorded(tmp_path: Path, sqlite_url: str) -> MailWorld:
    """A world whose mailbox already brought back a reply, a bounce, an auto-reply and an unsubscribe."""
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    mail.pitch("claire@magazine-exemple.fr", "pitch-fr-fr-1.outreach@agency.test", market="es-ES")
    mail.pitch("sofia@revista-ejemplo.com.ar", "pitch-es-ar-1.outreach@agency.test", market="es-ES")
    names = ["reply_gmail_es.eml", "dsn_postfix_hard.eml", "reply_apple_fr.eml", "auto_submitted_es.eml",
             "unsub_fr.eml"]
    with mail.world.store.transaction() as session:
        for uid, name in enumerate(names, start=1):
            record_message(session, Where("desk", "INBOX", 7, uid, "tester", mail.world.campaign_id),
                           mail.raw(name))
    return mail


async def test_counts_per_market_and_the_highlighted_market_events(tmp_path: Path, sqlite_url: str) -> None:
    mail = _recorded(tmp_path, sqlite_url)
    app = Host(_workspace(mail, sqlite_url))
    async with app.run_test(size=(140, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        markets = app.query_one("#mailbox-markets", DataTable)
        assert [markets.get_row_at(index) for index in range(markets.row_count)] == [
            ["es-ES", "1", "1", "0", "0", "1", "0"], ["es-MX", "1", "0", "1", "0", "0", "0"]]
        events = app.query_one("#mailbox-events", DataTable)
        assert events.row_count == 3  # the first market (es-ES) is highlighted
        assert {events.get_row_at(index)[2] for index in range(3)} == {"reply", "auto-reply", "unsubscribe"}
        markets.focus()
        await pilot.press("down")
        await pilot.pause()
        assert str(app.query_one("#mailbox-events-heading", Static).render()) == "Events in es-MX"
        kinds = sorted(events.get_row_at(index)[2] for index in range(events.row_count))
        assert kinds == ["hard-bounce", "reply"]
        events.focus()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        history = str(app.query_one("#mailbox-history", Static).render())
        assert history.startswith("Prospect #") and ("reply" in history or "hard-bounce" in history)


async def test_sync_runs_in_a_worker_with_progress(tmp_path: Path, sqlite_url: str, account: Account,
                                                   imap_box: ImapMailbox) -> None:
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("reply_apple_fr.eml"))
    app = Host(_workspace(mail, sqlite_url, imap_box))
    async with app.run_test(size=(140, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.query_one("#mailbox-status", Static).render())
        assert status == "Synced: 2 message(s) read, 1 reply."
        assert app.query_one("#mailbox-progress", ProgressBar).percentage == 1.0
        events = app.query_one("#mailbox-events", DataTable)
        assert events.row_count == 1 and events.get_row_at(0)[4] == f"#{sent.request_id}"


async def test_the_app_syncs_in_the_background_when_mailboxes_are_configured(
        tmp_path: Path, sqlite_url: str, account: Account, imap_box: ImapMailbox) -> None:
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    account.append("INBOX", mail.raw("dsn_postfix_hard.eml"))
    app = Host(_workspace(mail, sqlite_url, imap_box, minutes=10))
    async with app.run_test(size=(140, 50)) as pilot:
        for _ in range(3):  # the first load, the sync, the load after it
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert str(app.query_one("#mailbox-status", Static).render()) == "Synced: 1 message(s) read, 1 hard-bounce."
        assert app.query_one("#mailbox-markets", DataTable).get_row_at(0)[:4] == ["es-MX", "0", "0", "1"]


async def test_sync_without_a_mailbox_is_a_notification(tmp_path: Path, sqlite_url: str) -> None:
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    app = Host(_workspace(mail, sqlite_url))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = list(app._notifications)
        assert [note.title for note in notes] == ["Cannot sync the mailbox"]
        assert "no IMAP mailbox is configured" in notes[0].message
        assert str(app.query_one("#mailbox-status", Static).render()) == "Sync failed."


async def test_a_broken_store_is_a_notification(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    mail = MailWorld.make(tmp_path / "ws", url)
    mail.world.store.engine.dispose()
    (tmp_path / "a.db").write_bytes(b"not a database")
    app = Host(_workspace(mail, url))
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one("#mailbox-markets", DataTable).row_count == 0
        assert [note.title for note in app._notifications] == ["Cannot read the mailbox"]


async def test_text_from_mail_is_never_markup(tmp_path: Path, sqlite_url: str) -> None:
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    raw = mail.raw("reply_outlook_en_quoted_optout.eml").replace(b"pitch-en-gb-2", b"x").replace(
        b"Sounds good, let's talk next week.", b"[/] [link=https://evil.test]click[/link] [bold]").replace(
        b"priya.shah@money-example.co.uk>", b"laura.mendez@diario-ejemplo.com.mx>")
    with mail.world.store.transaction() as session:
        record_message(session, Where("desk", "INBOX", 1, 1, "tester", mail.world.campaign_id), raw)
    app = Host(_workspace(mail, sqlite_url))
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        events = app.query_one("#mailbox-events", DataTable)
        assert str(events.get_row_at(0)[5]).startswith("[/] [link=https://evil.test]click[/link] [bold]")


def test_mailbox_pane_snapshot(tmp_path: Path, sqlite_url: str, snap_compare: Any) -> None:
    async def loaded(pilot: Any) -> None:
        for _ in range(2):  # the load, then the highlighted event's history
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    mail = _recorded(tmp_path, sqlite_url)
    assert snap_compare(Host(_workspace(mail, sqlite_url)), terminal_size=(140, 40), run_before=loaded)


async def test_unreadable_messages_and_strangers_bounces_show_under_a_question_mark(
        tmp_path: Path, sqlite_url: str) -> None:
    mail = MailWorld.make(tmp_path / "ws", sqlite_url)
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    broken = mail.raw("unsub_es.eml").replace(b"From: Laura M\xc3\xa9ndez <laura.mendez@diario-ejemplo.com.mx>",
                                              b"From: <laura..mendez@diario-ejemplo.com.mx>")
    with mail.world.store.transaction() as session:
        for uid, raw in enumerate((broken, mail.raw("bounce_exchange_text.eml")), start=1):
            record_message(session, Where("desk", "INBOX", 1, uid, "tester", mail.world.campaign_id), raw)
    app = Host(_workspace(mail, sqlite_url))
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.query_one("#mailbox-markets", DataTable).get_row_at(0) == ["?", "0", "0", "1", "0", "0", "1"]
        assert app.query_one("#mailbox-events", DataTable).row_count == 2
