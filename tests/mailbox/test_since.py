"""`since` against a real dovecot: a first read skips older mail, later syncs read every new UID."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core import imap_sync
from outreach.core.imap_client import imap_date
from outreach.core.imap_settings import ImapMailbox
from outreach.core.mailbox_tables import InboundEvent, MailboxFolder
from outreach.core.outbox_tables import OutboxMessage
from tests.mailbox.dovecot import Account
from tests.mailbox.mail_world import MailWorld

OLD = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
NEW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SINCE = date(2026, 6, 1)


@pytest.fixture
def mail(tmp_path: Path, sqlite_url: str) -> MailWorld:
    """A world whose pitches to laura (es-MX-1) and ghost (es-MX-2) went out, so each fixture is an event."""
    world = MailWorld.make(tmp_path / "ws", sqlite_url)
    world.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    world.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    return world


def _sync(mail: MailWorld, box: ImapMailbox, since: date | None = None) -> imap_sync.FolderReport:
    report = imap_sync.sync(mail.world.store, [box], campaign_id=mail.world.campaign_id, since=since)
    assert report.failures == []
    [folder] = report.folders
    return folder


def _recorded(mail: MailWorld, folder: str) -> list[tuple[int | None, str]]:
    """(UID, kind) of the events recorded from a folder: which messages a sync read."""
    with mail.world.store.transaction() as session:
        rows = session.exec(select(InboundEvent).where(InboundEvent.folder == folder)).all()
        return sorted((row.uid, row.kind) for row in rows)


def _saved(mail: MailWorld, box: ImapMailbox, folder: str) -> tuple[int, int]:
    """(last UID, messages seen) kept for a folder."""
    with mail.world.store.transaction() as session:
        state = session.exec(select(MailboxFolder).where(MailboxFolder.mailbox == box.name,
                                                         MailboxFolder.folder == folder)).one()
        return state.last_uid, state.messages_seen


@pytest.mark.parametrize(("day", "text"), [
    pytest.param(date(2026, 12, 7), "7-Dec-2026", id="one-digit-day"),
    pytest.param(date(2027, 1, 31), "31-Jan-2027", id="two-digit-day"),
    pytest.param(date(2026, 5, 10), "10-May-2026", id="english-month-whatever-the-locale"),
])
def test_imap_dates_follow_rfc_3501(day: date, text: str) -> None:
    assert imap_date(day) == text


def test_a_first_sync_since_a_date_reads_only_newer_mail_and_later_syncs_read_every_new_uid(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), received=OLD)
    account.append("INBOX", mail.raw("dsn_postfix_hard.eml"), received=NEW)
    account.append("INBOX", mail.raw("auto_ooo_text_es_outlook.eml"), received=OLD)  # the highest UID is old
    first = _sync(mail, imap_box, SINCE)
    assert (first.read, first.since, first.events) == (1, SINCE, {"hard-bounce": 1})
    assert _recorded(mail, "INBOX") == [(2, "hard-bounce")]
    assert _saved(mail, imap_box, "INBOX") == (3, 1)  # the highest UID seen: UID 3 is never read later
    account.append("INBOX", mail.raw("unsub_es.eml"))  # arrives today
    account.append("INBOX", mail.raw("reply_apple_fr.eml"), received=OLD)  # moved in: keeps its old date
    second = _sync(mail, imap_box, SINCE)
    assert (second.read, second.since) == (2, None)
    assert [uid for uid, _ in _recorded(mail, "INBOX")] == [2, 4]  # reply_apple_fr answers nothing we sent
    assert _saved(mail, imap_box, "INBOX") == (5, 3)
    assert _sync(mail, imap_box, SINCE).read == 0


def test_a_first_sync_that_finds_nothing_since_the_date_still_starts_after_the_last_uid(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("unsub_es.eml"), received=OLD)
    assert (_sync(mail, imap_box, SINCE).read, _saved(mail, imap_box, "INBOX")) == (0, (2, 0))
    assert (_sync(mail, imap_box).read, _recorded(mail, "INBOX")) == (0, [])


def test_a_new_uidvalidity_rereads_only_mail_since_the_date(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    box = imap_box.model_copy(update={"folders": ("Replies",)})
    account.append("Replies", mail.raw("auto_ooo_text_es_outlook.eml"), received=OLD)
    assert _sync(mail, box, SINCE).read == 0
    account.recreate("Replies")
    account.append("Replies", mail.raw("reply_gmail_es.eml"), received=OLD)
    account.append("Replies", mail.raw("dsn_postfix_hard.eml"), mail.raw("unsub_es.eml"), received=NEW)
    account.append("Replies", mail.raw("auto_ooo_text_es_outlook.eml"), received=OLD)
    reread = _sync(mail, box, SINCE)
    assert (reread.rescanned, reread.since, reread.read) == (True, SINCE, 2)
    assert _recorded(mail, "Replies") == [(2, "hard-bounce"), (3, "unsubscribe")]
    assert _saved(mail, box, "Replies") == (4, 2)


def test_the_mailbox_setting_is_the_default_and_the_argument_overrides_it(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    for folder in ("Setting", "Override", "Plain"):
        account.append(folder, mail.raw("reply_gmail_es.eml"), received=OLD)
        account.append(folder, mail.raw("dsn_postfix_hard.eml"), received=NEW)
    setting = imap_box.model_copy(update={"folders": ("Setting",), "since": SINCE})
    assert (_sync(mail, setting).read, _recorded(mail, "Setting")) == (1, [(2, "hard-bounce")])
    override = imap_box.model_copy(update={"folders": ("Override",), "since": date(2020, 1, 1)})
    assert (_sync(mail, override, SINCE).read, _sync(mail, override).read) == (1, 0)
    plain = imap_box.model_copy(update={"folders": ("Plain",)})
    assert _sync(mail, plain).read == 2


def test_uncertain_sends_are_found_in_sent_whatever_their_date(
        mail: MailWorld, account: Account, imap_box: ImapMailbox) -> None:
    sent = mail.pitch("ana@diario-uno.mx", "u1@agency.test", state="uncertain")
    account.append("Sent", sent.pitch.content, received=OLD)
    report = imap_sync.sync(mail.world.store, [imap_box.model_copy(update={"since": SINCE})], since=SINCE)
    assert report.resolved == [sent.pitch.message_id]
    with mail.world.store.transaction() as session:
        assert session.get(OutboxMessage, sent.pitch.id).state == "sent"
