"""Read configured mailboxes over IMAP: new messages since the last UID per folder, and uncertain sends.

Syncing twice changes nothing: each folder remembers its UIDVALIDITY and the last UID read, and
each message is recorded once (by Message-ID) even when a new UIDVALIDITY makes a folder be read again.
A `since` date limits only a folder's first read (or its re-read after a new UIDVALIDITY) to mail received
from that day: after that every new UID is read whatever its date, since a message moved into the folder
keeps its old date and skipping it would lose it for good.
Folder state moves forward in the same transaction as the events of each batch, so an interrupted
sync resumes where it stopped. Run it off the UI thread: it blocks on the network.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlmodel import Session, select

from outreach.core import outbox
from outreach.core.imap_client import ImapSession
from outreach.core.imap_settings import ImapMailbox
from outreach.core.mailbox_inbound import Where, record_message
from outreach.core.mailbox_tables import MailboxFolder
from outreach.core.models import utcnow
from outreach.core.store import Store
from outreach.errors import MailboxError


@dataclass(frozen=True)
class SyncProgress:
    """Where a sync stands, for a progress bar."""

    mailbox: str
    folder: str
    done: int
    total: int


Progress = Callable[[SyncProgress], None]


@dataclass
class FolderReport:
    """What one folder's sync read and recorded."""

    mailbox: str
    folder: str
    uidvalidity: int
    read: int = 0
    rescanned: bool = False
    """True when the folder's UIDVALIDITY changed and it was read from the start again."""
    since: date | None = None
    """The day this first read (or re-read) started from, when a `since` limited it."""
    events: Counter[str] = field(default_factory=Counter)


@dataclass
class SyncReport:
    """The whole sync: folders read, uncertain messages resolved, mailboxes that could not be read."""

    folders: list[FolderReport] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    """Message-IDs of uncertain messages found in a Sent folder (now sent)."""
    failures: list[str] = field(default_factory=list)

    @property
    def events(self) -> Counter[str]:
        """Events recorded, by kind, over every folder."""
        total: Counter[str] = Counter()
        for folder in self.folders:
            total.update(folder.events)
        return total


def sync(store: Store, mailboxes: Sequence[ImapMailbox], *, campaign_id: int | None = None,
         progress: Progress | None = None, since: date | None = None) -> SyncReport:
    """Sync every mailbox; one that cannot be reached is reported and the others still run.

    `since` replaces each mailbox's own `since` for folders read for the first time."""
    report = SyncReport()
    if not mailboxes:
        raise MailboxError("no IMAP mailbox is configured: add [[imap_mailboxes]] to settings.toml or set "
                           "OUTREACH_IMAP_HOST, OUTREACH_IMAP_USER and OUTREACH_IMAP_PASSWORD")
    for box in mailboxes:
        try:
            sync_mailbox(store, box, report, campaign_id=campaign_id, progress=progress, since=since)
        except MailboxError as exc:
            report.failures.append(str(exc))
    return report


def sync_mailbox(store: Store, box: ImapMailbox, report: SyncReport, *, campaign_id: int | None = None,
                 progress: Progress | None = None, since: date | None = None) -> None:
    """Read one mailbox's folders, then look for uncertain messages in its Sent folder."""
    since = since or box.since
    with ImapSession(box) as session:
        for folder in box.folders:
            report.folders.append(_sync_folder(store, session, folder, campaign_id, progress, since))
        report.resolved += resolve_uncertain(store, session, box.sent_folder or session.sent_folder())


def _state(session: Session, mailbox: str, folder: str) -> MailboxFolder:
    """The folder's saved state, or a fresh one."""
    found = session.exec(select(MailboxFolder).where(MailboxFolder.mailbox == mailbox,
                                                     MailboxFolder.folder == folder)).first()
    return found or MailboxFolder(mailbox=mailbox, folder=folder)


def _sync_folder(store: Store, imap: ImapSession, folder: str, campaign_id: int | None,
                 progress: Progress | None, since: date | None) -> FolderReport:
    """Read the folder's messages above the last UID; on a first read, all of them or those since `since`."""
    box = imap.box
    uidvalidity = imap.examine(folder)
    with store.transaction() as session:
        state = _state(session, box.name, folder)
    first = state.uidvalidity != uidvalidity
    rescanned = first and state.uidvalidity != 0
    last_uid = 0 if first else state.last_uid
    since = since if first else None
    report = FolderReport(box.name, folder, uidvalidity, rescanned=rescanned, since=since)
    uids, top = _to_read(imap, last_uid, since)
    _notify(progress, SyncProgress(box.name, folder, 0, len(uids)))
    for start in range(0, len(uids), box.batch):
        chunk = uids[start:start + box.batch]
        fetched = list(imap.fetch(chunk))
        with folder_lock(store, box.name, folder) as session:
            for uid, raw in fetched:
                where = Where(box.name, folder, uidvalidity, uid, store.actor, campaign_id)
                report.events.update(event.kind for event in record_message(session, where, raw))
            _advance(session, box.name, folder, uidvalidity, max(chunk), len(fetched))
        report.read += len(fetched)
        _notify(progress, SyncProgress(box.name, folder, report.read, len(uids)))
    if not uids or rescanned or top > uids[-1]:
        with folder_lock(store, box.name, folder) as session:
            _advance(session, box.name, folder, uidvalidity, top, 0)
    return report


def _to_read(imap: ImapSession, last_uid: int, since: date | None) -> tuple[list[int], int]:
    """The UIDs to read, and the last UID the folder's state moves to once they are read.

    With `since`, the highest UID is asked for before the search: what the date left out is never read
    later, and a message arriving meanwhile has a higher UID, so a later sync reads it.
    """
    highest = imap.highest_uid() if since else 0
    uids = imap.uids_after(last_uid, since)
    return uids, max([last_uid, highest, *uids])


@contextmanager
def folder_lock(store: Store, mailbox: str, folder: str) -> Iterator[Session]:
    """A transaction holding the folder's write lock, so two syncs of one folder (the app's and a cron
    job's) take turns and the second finds the first one's events."""
    with store.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind=connection, expire_on_commit=False) as session, session.begin():
            if connection.dialect.name == "postgresql":
                key = zlib.crc32(f"outreach-mailbox:{mailbox}/{folder}".encode())
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            yield session


def _advance(session: Session, mailbox: str, folder: str, uidvalidity: int, last_uid: int, read: int) -> None:
    """Move the folder's state forward (never back), in the transaction that recorded the batch."""
    state = _state(session, mailbox, folder)
    same = state.uidvalidity == uidvalidity
    if same and state.last_uid >= last_uid and read:
        return  # a concurrent sync got here first
    state.uidvalidity = uidvalidity
    state.last_uid = max(last_uid, state.last_uid) if same else last_uid
    state.messages_seen += read
    state.synced_at = utcnow()
    session.add(state)


def resolve_uncertain(store: Store, imap: ImapSession, sent_folder: str | None) -> list[str]:
    """Uncertain messages found in the Sent folder were delivered: settle them as sent.

    Each uncertain message is looked for by its Message-ID, so one that became uncertain after the
    folder was last read is still found. Absence proves nothing (not every server keeps a copy).
    """
    if sent_folder is None:
        return []
    with store.transaction() as session:
        waiting = [(message.id, message.message_id) for message in outbox.uncertain_messages(session)]
    if not waiting:
        return []
    imap.examine(sent_folder)
    found = [(outbox_id, message_id) for outbox_id, message_id in waiting
             if outbox_id is not None and imap.has_message_id(message_id)]
    resolved = []
    with store.transaction() as session:
        for outbox_id, message_id in found:
            if outbox.get_message(session, outbox_id).state != "uncertain":
                continue  # a person settled it meanwhile
            outbox.resolve_uncertain(session, outbox_id, delivered=True, actor=store.actor,
                                     note=f"found in {imap.box.name}/{sent_folder}")
            resolved.append(message_id)
    return resolved


def _notify(progress: Progress | None, where: SyncProgress) -> None:
    if progress is not None:
        progress(where)
