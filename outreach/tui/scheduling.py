"""The Schedule action's hook into the sending core (a build without sending sets SCHEDULE to None)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from sqlmodel import Session

from outreach.core import followup_plan
from outreach.core.schedule import schedule_request
from outreach.tui.workspace import Workspace

Schedule = Callable[[Session, Workspace, int], str]
"""Schedule one approved request (by id) in the caller's transaction; return a line saying when it goes."""

NOT_SET_UP = "sending is not set up in this build: the request stays approved, nothing is scheduled"
"""What the Schedule action says when SCHEDULE is None."""


def schedule_with_outbox(session: Session, workspace: Workspace, request_id: int) -> str:
    """Queue the pitch and book its follow-ups in the recipient's business hours, from the configured
    mailboxes."""
    messages = schedule_request(session, workspace.campaign, request_id, actor=workspace.store.actor,
                                mailboxes=workspace.settings.sending_mailboxes())
    pitch = messages[0]
    local = pitch.send_at.astimezone(ZoneInfo(pitch.timezone))
    booked = followup_plan.count(pitch.planned_followups)
    then = f", then {booked} follow-up(s) booked" if booked else ""
    return (f"request #{request_id} scheduled: the pitch goes {local:%a %d %b %H:%M} {pitch.timezone} "
            f"({pitch.send_at:%H:%M} UTC) from {pitch.mailbox}{then}")


SCHEDULE: Schedule | None = schedule_with_outbox
"""The sending core's scheduler; None when this build has no sending."""
