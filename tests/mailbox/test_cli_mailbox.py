"""`outreach mailbox sync|events` with mailboxes from settings.toml or OUTREACH_IMAP_*, against dovecot."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from pydantic import SecretStr
from typer.testing import CliRunner

from outreach import locations
from outreach.cli import app
from outreach.core.imap_settings import ImapMailbox
from outreach.errors import ConfigError
from outreach.settings import load_settings
from tests.mailbox.dovecot import Account
from tests.mailbox.mail_world import MailWorld

runner = CliRunner()


def run(*args: str | Path) -> Any:
    """Invoke the CLI in-process with these arguments."""
    return runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture
def mail(tmp_path: Path, sqlite_url: str) -> MailWorld:
    return MailWorld.make(tmp_path / "ws", sqlite_url)


def _settings_file(box: ImapMailbox) -> None:
    """Write the mailbox into the user's settings.toml, password included (as people do)."""
    entry = {"name": box.name, "host": box.host, "port": box.port, "security": box.security, "user": box.user,
             "password": box.password.get_secret_value(), "ca_file": str(box.ca_file), "batch": box.batch,
             "folders": list(box.folders)}
    if box.since:
        entry["since"] = box.since  # a TOML date, as people write it
    path = locations.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps({"imap_mailboxes": [entry]}), encoding="utf-8")


def test_sync_then_events_from_settings_toml(mail: MailWorld, sqlite_url: str, account: Account,
                                             imap_box: ImapMailbox) -> None:
    sent = mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    account.append("INBOX", mail.raw("reply_gmail_es.eml"), mail.raw("dsn_postfix_hard.eml"))
    _settings_file(imap_box)
    base = ("-C", mail.world.root, "--db", sqlite_url)
    first = run(*base, "mailbox", "sync")
    assert first.exit_code == 0, first.output
    assert "desk/INBOX: 2 message(s) read, 1 hard-bounce, 1 reply" in first.output
    again = run(*base, "mailbox", "sync")
    assert "desk/INBOX: 0 message(s) read, nothing new" in again.output
    listed = run(*base, "mailbox", "events", "--json")
    rows = json.loads(listed.output)
    assert sorted((row["kind"], row["request_id"]) for row in rows) == [
        ("hard-bounce", sent.request_id + 1), ("reply", sent.request_id)]
    table = run(*base, "mailbox", "events", "--kind", "hard-bounce")
    assert "5.1.1" in table.output and "ghost@diario-ejemplo.com.mx" in table.output
    assert "Hola Ana" not in table.output


def test_the_default_mailbox_from_environment_variables(mail: MailWorld, sqlite_url: str, account: Account,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    server = account.server
    monkeypatch.setenv("OUTREACH_IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("OUTREACH_IMAP_PORT", str(server.imap_port))
    monkeypatch.setenv("OUTREACH_IMAP_USER", account.user)
    monkeypatch.setenv("OUTREACH_IMAP_PASSWORD", account.password)
    monkeypatch.setenv("OUTREACH_IMAP_SECURITY", "starttls")
    monkeypatch.setenv("SSL_CERT_FILE", str(server.ca_file))  # trust the test server like a system CA
    result = run("-C", mail.world.root, "--db", sqlite_url, "mailbox", "sync", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(f["mailbox"], f["folder"], f["read"]) for f in report["folders"]] == [("default", "INBOX", 0)]


def test_a_mailbox_that_refuses_the_login_exits_non_zero_without_the_password(
        mail: MailWorld, sqlite_url: str, imap_box: ImapMailbox) -> None:
    _settings_file(imap_box.model_copy(update={"password": SecretStr("not-the-password")}))
    result = run("-C", mail.world.root, "--db", sqlite_url, "mailbox", "sync")
    assert result.exit_code == 1
    assert "cannot log in to mailbox 'desk'" in result.output
    assert "not-the-password" not in result.output


def test_no_mailbox_and_unknown_names_are_clear_errors(mail: MailWorld, sqlite_url: str) -> None:
    base = ("-C", mail.world.root, "--db", sqlite_url)
    result = run(*base, "mailbox", "sync")
    assert result.exit_code == 2 and "no IMAP mailbox is configured" in result.output
    result = run(*base, "mailbox", "sync", "--mailbox", "nope")
    assert result.exit_code == 2 and "no mailbox named nope" in result.output
    result = run(*base, "mailbox", "events", "--kind", "spam")
    assert result.exit_code == 2 and "unknown kind spam" in result.output


def test_environment_mailbox_needs_user_and_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_IMAP_HOST", "imap.agency.test")
    with pytest.raises(ConfigError, match=r"OUTREACH_IMAP_USER and OUTREACH_IMAP_PASSWORD"):
        load_settings().imap_accounts()
    monkeypatch.setenv("OUTREACH_IMAP_USER", "desk")
    monkeypatch.setenv("OUTREACH_IMAP_PASSWORD", "secret")
    [box] = load_settings().imap_accounts()
    assert (box.name, box.security, box.imap_port, box.folders) == ("default", "tls", 993, ("INBOX",))
    monkeypatch.setenv("OUTREACH_IMAP_SECURITY", "none")
    with pytest.raises(ConfigError, match=r"imap_security"):
        load_settings()


def test_two_imap_mailboxes_may_not_share_a_name() -> None:
    box = ImapMailbox(name="desk", host="imap.agency.test", user="desk", password="secret")
    with pytest.raises(ConfigError, match=r"two IMAP mailboxes are named desk"):
        load_settings(imap_mailboxes=(box, box))


def test_since_from_settings_toml_limits_the_first_sync_and_the_option_overrides_it(
        mail: MailWorld, sqlite_url: str, account: Account, imap_box: ImapMailbox) -> None:
    mail.pitch("laura.mendez@diario-ejemplo.com.mx", "pitch-es-mx-1.outreach@agency.test")
    mail.pitch("ghost@diario-ejemplo.com.mx", "pitch-es-mx-2.outreach@agency.test")
    for folder in ("INBOX", "Later"):
        account.append(folder, mail.raw("reply_gmail_es.eml"), received=datetime(2024, 3, 1, 12, tzinfo=UTC))
        account.append(folder, mail.raw("dsn_postfix_hard.eml"), received=datetime(2026, 11, 20, 12, tzinfo=UTC))
    _settings_file(imap_box.model_copy(update={"since": date(2026, 6, 1)}))
    base = ("-C", mail.world.root, "--db", sqlite_url)
    first = run(*base, "mailbox", "sync")
    assert first.exit_code == 0, first.output
    assert "desk/INBOX: 1 message(s) read, 1 hard-bounce (mail since 2026-06-01)" in first.output
    _settings_file(imap_box.model_copy(update={"since": date(2026, 12, 1), "folders": ("INBOX", "Later")}))
    second = run(*base, "mailbox", "sync", "--since", "2020-01-01", "--json")
    assert second.exit_code == 0, second.output
    report = json.loads(second.output)
    assert [(f["folder"], f["read"], f["since"]) for f in report["folders"]] == [
        ("INBOX", 0, None), ("Later", 2, "2020-01-01")]


def test_a_since_that_is_not_a_date_is_a_usage_error_naming_the_option(mail: MailWorld, sqlite_url: str) -> None:
    result = run("-C", mail.world.root, "--db", sqlite_url, "mailbox", "sync", "--since", "7-Dec-2026")
    assert result.exit_code == 2
    assert "--since" in result.output and "'7-Dec-2026' is not a date like 2026-11-22" in result.output


def test_the_environment_mailbox_takes_its_since_from_outreach_imap_since(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_IMAP_HOST", "imap.agency.test")
    monkeypatch.setenv("OUTREACH_IMAP_USER", "desk")
    monkeypatch.setenv("OUTREACH_IMAP_PASSWORD", "secret")
    monkeypatch.setenv("OUTREACH_IMAP_SINCE", "2026-06-01")
    [box] = load_settings().imap_accounts()
    assert box.since == date(2026, 6, 1)
