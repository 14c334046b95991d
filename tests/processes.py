"""The test process's own children, read from /proc: what a forking helper must not leave behind."""

from __future__ import annotations

import os
from pathlib import Path


def child_pids() -> set[int]:
    """Live and unreaped children of this process (other tests may have left their own)."""
    return {int(child) for task in Path(f"/proc/{os.getpid()}/task").iterdir()
            for child in (task / "children").read_text().split()}
