"""The real app in a real terminal (tmux): import a file, compose a request, see it checked, schedule it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from outreach.core.models import LinkRequest, Prospect
from outreach.core.outbox_tables import OutboxMessage
from outreach.core.store import Store
from tests.tui.workspaces import demo_workspace

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of our own (its own socket), one 100x30 window running a command."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.socket = f"outreach-{uuid.uuid4().hex[:8]}"
        line = " ".join(f"{name}={value!r}" for name, value in env.items()) + " " + " ".join(command)
        self.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", f"env {line}")

    def tmux(self, *args: str) -> str:
        """Run a tmux command against our server."""
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def screen(self) -> str:
        """What the terminal shows now."""
        return self.tmux("capture-pane", "-p", "-t", "app")

    def keys(self, *keys: str) -> None:
        """Press keys (tmux names: Enter, Tab, C-n) or type literal text (-l)."""
        for key in keys:
            if key.startswith("literal:"):
                self.tmux("send-keys", "-t", "app", "-l", key.removeprefix("literal:"))
            else:
                self.tmux("send-keys", "-t", "app", key)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 90) -> str:
        """The screen once it shows `text` (fails with the screen when it never does)."""
        return wait_until(lambda: text in self.screen(), timeout, lambda: self.screen())

    def close(self) -> None:
        """Stop our tmux server (and the app in it)."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)


def wait_until(ready: Callable[[], bool], timeout: float, show: Callable[[], str]) -> str:
    """Poll until `ready()`; on timeout fail with what `show()` says."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return show()
        time.sleep(0.3)
    pytest.fail(f"timed out; the terminal shows:\n{show()}")


@pytest.fixture
def store(demo_dir: Path, sqlite_url: str) -> Iterator[Store]:
    """The demo campaign in a fresh store with es-MX's messages approved, no prospects yet."""
    workspace = demo_workspace(demo_dir, sqlite_url, (), approve=("es-MX",))
    yield workspace.store
    workspace.store.engine.dispose()


def prospect_id(store: Store, domain: str) -> int | None:
    with store.transaction() as session:
        found = session.exec(select(Prospect).where(Prospect.domain == domain)).first()
        return found.id if found else None


def test_import_request_check_schedule_in_a_real_terminal(demo_dir: Path, sqlite_url: str, store: Store) -> None:
    env = {name: value for name, value in os.environ.items() if name.startswith("OUTREACH_")}
    env |= {"OUTREACH_SMTP_HOST": "127.0.0.1", "OUTREACH_FROM": "Maria <maria@tallyro.com>",
            "OUTREACH_USER": "maria", "TERM": "xterm-256color", "HOME": os.environ.get("HOME", "/tmp")}
    terminal = Terminal([sys.executable, "-m", "outreach", "-C", str(demo_dir), "--db", sqlite_url, "app"], env)
    try:
        terminal.wait_for("Tallyro international launch 2026")
        terminal.wait_for("pt-BR")
        terminal.keys("4")
        terminal.wait_for("into market es-MX")
        terminal.keys("literal:prospects/es-MX.csv", "Enter")
        terminal.wait_for("18 new")
        chosen = prospect_id(store, "elvigiaeconomico.mx")
        assert chosen is not None
        terminal.keys("5")
        terminal.wait_for("prospect: #id, domain or email")
        terminal.keys(f"literal:#{chosen}", "Enter")
        terminal.wait_for(f"#{chosen} elvigiaeconomico.mx")
        terminal.keys("literal:Tallyro")
        checked = terminal.wait_for("draft (not saved): PASS")
        assert "anchor: branded" in checked
        terminal.keys("C-n")
        terminal.wait_for("(draft): PASS")
        terminal.keys("C-t")
        wait_until(lambda: request_state(store) == "scheduled", 60, terminal.screen)
        with store.transaction() as session:
            request = session.exec(select(LinkRequest)).one()
            assert (request.prospect_id, request.anchor, request.approved_by) == (chosen, "Tallyro", "maria")
            queued = session.exec(select(OutboxMessage).where(OutboxMessage.request_id == request.id)).all()
            assert queued and all(message.state == "scheduled" for message in queued)
        terminal.keys("C-q")
    finally:
        terminal.close()


def request_state(store: Store) -> str | None:
    with store.transaction() as session:
        request = session.exec(select(LinkRequest)).first()
        return request.state if request else None
