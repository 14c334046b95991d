"""A mailbox's health: its recent bounce rate pauses it past a threshold, until a person resumes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, distinct, func, select
from sqlmodel import Session

from outreach.core import audit
from outreach.core.models import utcnow
from outreach.core.outbox_tables import MailboxPause, SendLogEntry
from outreach.core.send_accounts import MailboxSettings
from outreach.errors import NotFoundError

SEND_LOG: Table = SendLogEntry.__table__  # type: ignore[attr-defined]
BOUNCE_WINDOW = timedelta(days=7)
"""Bounce rates are measured over the messages of the last week."""
BOUNCED = ("bounced",)
ATTEMPTED = ("sent", "uncertain", "bounced")
"""Log outcomes of a message that reached the server's verdict (the rate's denominator)."""


def distinct_messages(session: Session, mailbox: str, now: datetime, outcomes: tuple[str, ...]) -> int:
    """Messages of the mailbox with a log entry of these outcomes in the bounce window."""
    query = select(func.count(distinct(SEND_LOG.c.outbox_id))).where(
        SEND_LOG.c.mailbox == mailbox, SEND_LOG.c.at >= now - BOUNCE_WINDOW, SEND_LOG.c.outcome.in_(outcomes))
    return int(session.execute(query).scalar_one())


def check_bounce_rate(session: Session, box: MailboxSettings, now: datetime) -> bool:
    """Pause the mailbox when its bounce rate passed its threshold; True when it paused just now."""
    if session.get(MailboxPause, box.name) is not None:
        return False
    # Without a bounce the rate is nought, so the wider count (after every batch) is not needed.
    bounced = distinct_messages(session, box.name, now, BOUNCED)
    attempted = distinct_messages(session, box.name, now, ATTEMPTED) if bounced else 0
    if bounced == 0 or attempted < box.bounce_min_sent or bounced / attempted <= box.bounce_threshold:
        return False
    reason = (f"{bounced} of {attempted} messages bounced in 7 days ({bounced / attempted:.1%} > "
              f"{box.bounce_threshold:.1%})")
    session.add(MailboxPause(mailbox=box.name, reason=reason, paused_at=now, paused_by="sender"))
    audit.record(session, actor="sender", action="mailbox.pause", object_type="mailbox", object_id=box.name,
                 detail={"bounced": bounced, "attempted": attempted, "threshold": box.bounce_threshold})
    return True


def paused_mailboxes(session: Session) -> dict[str, MailboxPause]:
    """Paused mailboxes by name."""
    return {pause.mailbox: pause for pause in session.query(MailboxPause).all()}


def resume_mailbox(session: Session, mailbox: str, *, actor: str) -> None:
    """Let a paused mailbox send again (a person checked its list); audited."""
    pause = session.get(MailboxPause, mailbox)
    if pause is None:
        raise NotFoundError(f"mailbox '{mailbox}' is not paused")
    session.delete(pause)
    audit.record(session, actor=actor, action="mailbox.resume", object_type="mailbox", object_id=mailbox,
                 detail={"was": pause.reason, "at": utcnow().isoformat()})
