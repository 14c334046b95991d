"""Fixtures for the mailbox tests: a throwaway dovecot for the session, a fresh account per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outreach.core.imap_settings import ImapMailbox
from tests.mailbox import dovecot


@pytest.fixture(scope="session")
def imap_server() -> Iterator[dovecot.Dovecot]:
    """dovecot on free 127.0.0.1 ports with its own config; the tests skip only where it cannot run."""
    missing = dovecot.available()
    if missing:
        pytest.skip(missing)
    try:
        with dovecot.running() as server:
            yield server
    except RuntimeError as exc:
        pytest.skip(f"dovecot could not start here: {str(exc)[:500]}")


@pytest.fixture
def account(imap_server: dovecot.Dovecot) -> dovecot.Account:
    """An empty mailbox of its own."""
    return imap_server.account()


@pytest.fixture
def imap_box(account: dovecot.Account) -> ImapMailbox:
    """Settings for reading `account` over IMAPS, trusting the test certificate."""
    return ImapMailbox(name="desk", host="127.0.0.1", port=account.server.imaps_port, security="tls",
                       user=account.user, password=account.password, ca_file=account.server.ca_file,
                       batch=3)
