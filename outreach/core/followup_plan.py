"""A sequence's follow-ups before they are composed: each one's business-day delay and planned time.

Scheduling books every follow-up's slot (caps and spacing count it) but composes only the pitch; the
plan rides on the newest message of the sequence as text like `3@2026-11-25T15:04:05 4@…`, and the
next follow-up is rendered and composed from approved text once that message is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from outreach.errors import SendingError


@dataclass(frozen=True)
class PlannedStep:
    """One follow-up still to compose: its delay after the message before it, and its booked time."""

    delay_days: int
    send_at: datetime


def encode(steps: Sequence[PlannedStep]) -> str | None:
    """The plan as stored (None when nothing follows)."""
    return " ".join(entry(step.delay_days, step.send_at) for step in steps) or None


def entry(delay_days: int, send_at: datetime) -> str:
    """One follow-up of a stored plan."""
    if send_at.tzinfo is not UTC:
        send_at = send_at.astimezone(UTC)
    # isoformat is several times faster than strftime, and scheduling writes two entries per request
    return f"{delay_days}@{send_at.isoformat(timespec='seconds')[:19]}"


def decode(text: str | None) -> list[PlannedStep]:
    """The stored plan's steps, next first."""
    if not text:
        return []
    steps = []
    for item in text.split():
        delay, _, stamp = item.partition("@")
        try:
            steps.append(PlannedStep(int(delay), datetime.fromisoformat(stamp).replace(tzinfo=UTC)))
        except ValueError as exc:
            raise SendingError(f"a follow-up plan is unreadable: {item!r}") from exc
    return steps


def count(text: str | None) -> int:
    """How many follow-ups the stored plan holds, without parsing the times."""
    return text.count("@") if text else 0


def booked_steps(step: int, text: str | None) -> list[int]:
    """The step numbers a message at `step` holds booked in its plan."""
    return list(range(step + 1, step + 1 + count(text)))
