"""The read-only IMAP session against a real dovecot: IMAPS and STARTTLS, UIDs, fetch, Sent search, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from outreach.core.imap_client import ImapSession, encode_folder
from outreach.core.imap_settings import ImapMailbox
from outreach.errors import MailboxError
from tests.mailbox.dovecot import Account

MESSAGES = Path(__file__).parent / "messages"


def _raw(name: str) -> bytes:
    return (MESSAGES / name).read_bytes()


def test_new_uids_and_full_bytes_without_marking_seen(account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", _raw("reply_gmail_es.eml"), _raw("reply_outlook_de.eml"), _raw("dsn_postfix_hard.eml"))
    with ImapSession(imap_box) as imap:
        uidvalidity = imap.examine("INBOX")
        assert uidvalidity > 0
        assert imap.uids_after(0) == [1, 2, 3]
        assert imap.uids_after(2) == [3]
        assert imap.uids_after(3) == []  # `4:*` names the last message; it is not new
        fetched = dict(imap.fetch([1, 3]))
    assert fetched[1] == _raw("reply_gmail_es.eml")
    assert fetched[3] == _raw("dsn_postfix_hard.eml")
    client = account.client()
    client.select("INBOX", readonly=True)
    assert client.uid("SEARCH", None, "UNSEEN")[1] == [b"1 2 3"]
    client.logout()


def test_starttls_on_the_plain_port(account: Account, imap_box: ImapMailbox) -> None:
    account.append("INBOX", _raw("reply_apple_fr.eml"))
    box = imap_box.model_copy(update={"security": "starttls", "port": account.server.imap_port})
    with ImapSession(box) as imap:
        imap.examine("INBOX")
        assert imap.uids_after(0) == [1]


def test_sent_folder_and_message_id_search(account: Account, imap_box: ImapMailbox) -> None:
    account.append("Sent", _raw("reply_gmail_es.eml"))
    with ImapSession(imap_box) as imap:
        assert imap.sent_folder() == "Sent"
        imap.examine("Sent")
        assert imap.has_message_id("<CAF7xQ2nG-reply-es@mail.gmail.com>")
        assert not imap.has_message_id("<missing@agency.test>")
        assert not imap.has_message_id('<x" OR ALL "@agency.test>')  # never sent to the server


def test_a_folder_with_accents_and_spaces(account: Account, imap_box: ImapMailbox) -> None:
    folder = "Éléments envoyés & co"
    account.append(encode_folder(folder)[1:-1], _raw("reply_apple_fr.eml"))
    with ImapSession(imap_box) as imap:
        imap.examine(folder)
        assert imap.uids_after(0) == [1]


def test_modified_utf7_folder_names() -> None:
    assert encode_folder("INBOX") == '"INBOX"'
    assert encode_folder("Entwürfe") == '"Entw&APw-rfe"'
    assert encode_folder("A&B") == '"A&-B"'


def test_a_wrong_password_names_the_mailbox_not_the_password(imap_box: ImapMailbox) -> None:
    box = imap_box.model_copy(update={"password": SecretStr("wrong-secret")})
    with pytest.raises(MailboxError, match=r"cannot log in to mailbox 'desk'") as caught:
        ImapSession(box).__enter__()
    assert "wrong-secret" not in str(caught.value)


def test_an_untrusted_certificate_is_refused(imap_box: ImapMailbox) -> None:
    box = imap_box.model_copy(update={"ca_file": None})
    with pytest.raises(MailboxError, match=r"cannot connect to mailbox 'desk'.*CERTIFICATE_VERIFY_FAILED"):
        ImapSession(box).__enter__()


def test_a_missing_folder_is_a_mailbox_error(imap_box: ImapMailbox) -> None:
    with ImapSession(imap_box) as imap, pytest.raises(MailboxError, match=r"folder 'Nope'|EXAMINE Nope"):
        imap.examine("Nope")


def test_a_server_that_is_down(imap_box: ImapMailbox) -> None:
    from tests.mailbox.dovecot import free_port

    box = imap_box.model_copy(update={"port": free_port(), "timeout": 2})
    with pytest.raises(MailboxError, match=r"cannot connect"):
        ImapSession(box).__enter__()
