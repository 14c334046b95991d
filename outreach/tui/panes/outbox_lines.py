"""The outbox pane's text: the sender's progress, each mailbox's caps, and messages nothing will send."""

from __future__ import annotations

from outreach.core import outbox_views
from outreach.core.mailer import SendReport


def summary(report: SendReport) -> str:
    """`sent 3, deferred 1`, or `nothing sent yet`."""
    counts = ", ".join(f"{kind} {count}" for kind, count in sorted(report.outcomes.items()))
    return counts or "nothing sent yet"


def caps_line(usage: list[outbox_views.MailboxUsage]) -> str:
    """Each mailbox's caps used, waiting messages and pause, on one line each."""
    if not usage:
        return "No sending mailbox configured"
    lines = []
    for item in usage:
        daily = f"{item.sent_24h}/{item.daily_cap} today" if item.daily_cap is not None else \
            f"{item.sent_24h} today (no cap)"
        hourly = f", {item.sent_1h}/{item.hourly_cap} this hour" if item.hourly_cap is not None else ""
        paused = f" — PAUSED: {item.paused}" if item.paused else ""
        lines.append(f"Mailbox {item.name}: {daily}{hourly}, {item.waiting} waiting{paused}")
    return "\n".join(lines)


def stranded_lines(stranded: list[outbox_views.Stranded]) -> str:
    """One warning line per mailbox and market whose queued messages wait for a mailbox not in settings."""
    return "\n".join(f"⚠ {item.warning()}" for item in stranded)
