"""The Schedule action's hook into the sending core, which a build may or may not include."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from outreach.tui.workspace import Workspace

Schedule = Callable[[Session, Workspace, int], str]
"""Schedule one approved request (by id) in the caller's transaction; return a line saying when it goes."""

SCHEDULE: Schedule | None = None
"""The sending core's scheduler; None when this build has no sending."""

NOT_SET_UP = "sending is not set up in this build: the request stays approved, nothing is scheduled"
"""What the Schedule action says when SCHEDULE is None."""
