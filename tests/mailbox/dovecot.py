"""A throwaway dovecot IMAP server on 127.0.0.1: its own config, TLS certificate, maildir and passdb."""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "s3cret-pass"
ACCOUNTS = 500

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_privileged_group =
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {internal}
}}
"""


@dataclass
class Dovecot:
    """A running server: where to connect, the CA that signed its certificate, and its accounts."""

    root: Path
    imap_port: int
    imaps_port: int
    process: subprocess.Popen[bytes]
    handed_out: int = 0

    @property
    def ca_file(self) -> Path:
        """The self-signed certificate, to verify the server with."""
        return self.root / "cert.pem"

    def account(self) -> Account:
        """A mailbox nobody has used yet (the passdb lists ACCOUNTS of them from the start)."""
        self.handed_out += 1
        if self.handed_out > ACCOUNTS:
            raise RuntimeError(f"the test server has only {ACCOUNTS} accounts")
        return Account(self, f"desk{self.handed_out}", PASSWORD)

    def log(self) -> str:
        """The server's log, for failure messages."""
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


@dataclass
class Account:
    """One user's mailbox on the test server, and a way to put messages in it."""

    server: Dovecot
    user: str
    password: str

    def client(self) -> imaplib.IMAP4_SSL:
        """A logged-in IMAPS client, for putting test messages in place."""
        context = ssl.create_default_context(cafile=str(self.server.ca_file))
        client = imaplib.IMAP4_SSL("127.0.0.1", self.server.imaps_port, ssl_context=context, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, folder: str, *messages: bytes, received: datetime | None = None) -> None:
        """Deliver messages into a folder (created when missing), with this internal date when given."""
        client = self.client()
        try:
            client.create(f'"{folder}"')  # fails harmlessly when it exists
            for raw in messages:
                status, data = client.append(f'"{folder}"', None, received, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def recreate(self, folder: str) -> None:
        """Delete and create a folder again, which gives it a new UIDVALIDITY."""
        client = self.client()
        try:
            client.delete(f'"{folder}"')
            client.create(f'"{folder}"')
        finally:
            client.logout()


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _certificate(root: Path) -> None:
    """A self-signed certificate for 127.0.0.1 (openssl on the PATH)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)


def _accounts(root: Path) -> tuple[str, str, str, int, int]:
    """Who dovecot's services and mail run as: the dovecot users as root, ourselves otherwise."""
    if os.geteuid() == 0:
        internal = pwd.getpwnam("dovecot")
        for path in (root / "mail", root / "home"):
            os.chown(path, internal.pw_uid, internal.pw_gid)
        return "dovecot", "dovecot", "dovenull", internal.pw_uid, internal.pw_gid
    me = pwd.getpwuid(os.getuid())
    return me.pw_name, grp.getgrgid(me.pw_gid).gr_name, me.pw_name, me.pw_uid, me.pw_gid


def _wait(server: Dovecot, seconds: float = 10.0) -> None:
    """Until the IMAPS port answers a login, or fail with the server's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(OSError, imaplib.IMAP4.error, ssl.SSLError):
            Account(server, "probe", PASSWORD).client().logout()
            return
        time.sleep(0.1)
    raise RuntimeError(f"dovecot did not start:\n{server.log()}")


@contextlib.contextmanager
def running() -> Iterator[Dovecot]:
    """Start dovecot in the foreground with a fresh config; stop it and remove its files afterwards."""
    root = Path(tempfile.mkdtemp(prefix="outreach-dovecot-"))
    root.chmod(0o755)
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir()
    _certificate(root)
    users = ["probe", *(f"desk{number}" for number in range(1, ACCOUNTS + 1))]
    (root / "passwd").write_text("".join(f"{user}:{{PLAIN}}{PASSWORD}\n" for user in users))
    (root / "passwd").chmod(0o644)
    internal, group, login, uid, gid = _accounts(root)
    ports = free_port(), free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(
        root=root, internal=internal, group=group, login=login, uid=uid, gid=gid,
        imap_port=ports[0], imaps_port=ports[1]))
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot(root, ports[0], ports[1], process)
    try:
        _wait(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def available() -> str | None:
    """Why dovecot cannot run here, or None when it can."""
    if not Path(DOVECOT).exists():
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if shutil.which("openssl") is None:
        return "openssl is not installed (needed for the test certificate)"
    return None
