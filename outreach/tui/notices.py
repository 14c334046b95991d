"""Work done off the UI thread, with every failure turned into a notification instead of a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError
from textual.widget import Widget

from outreach.errors import Cancelled, OutreachError

T = TypeVar("T")
log = logging.getLogger("outreach.tui")


def first_line(exc: BaseException) -> str:
    """The driver's message without SQLAlchemy's background link and SQL echo."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def describe(exc: BaseException) -> str:
    """What a person is told about a failure."""
    if isinstance(exc, OutreachError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {first_line(exc)}"
    return f"unexpected error ({type(exc).__name__}: {first_line(exc)}); the details are in the log"


def guarded(widget: Widget, title: str, job: Callable[[], T]) -> T | None:
    """Run `job` in a worker thread; any failure becomes a notification (and, if unexpected, a log line)."""
    try:
        return job()
    except Cancelled as exc:
        widget.app.call_from_thread(widget.notify, str(exc), title=f"{title}: cancelled", severity="warning")
    except (OutreachError, SQLAlchemyError) as exc:
        widget.app.call_from_thread(widget.notify, describe(exc), title=title, severity="error")
    except Exception as exc:  # the last line of defence: a traceback would wreck the screen
        log.exception("%s failed", title)
        widget.app.call_from_thread(widget.notify, describe(exc), title=title, severity="error")
    return None
