"""Progress of long work (import, dedupe) and the way a person stops it half-way."""

from __future__ import annotations

from collections.abc import Callable

from outreach.errors import Cancelled

Progress = Callable[[str, int, int], bool | None]
"""Called with (phase, done, total); returning False asks the work to stop (it raises Cancelled)."""

EVERY = 1000
"""Rows between two progress reports inside a loop."""


def step(progress: Progress | None, phase: str, done: int, total: int) -> None:
    """Tell `progress` how far the work is; raise Cancelled when it answers False."""
    if progress is not None and progress(phase, done, total) is False:
        raise Cancelled(f"stopped while {phase} ({done:,} of {total:,}); nothing was written")
