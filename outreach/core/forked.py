"""Splitting a long pure job over two cores: a forked child does the second part, this process the first.

Only for deterministic work on data already in memory: the child sees a copy of this process and sends
its result back pickled, so the parts come out exactly as one process would make them. Whatever goes
wrong in the child (an error, a kill, a result that does not pickle), this process does that part itself
and so raises any error with its own traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar, cast

T = TypeVar("T")

Work = Callable[[int, int, bool], T]
"""work(start, stop, here): the result for items start..stop-1; `here` is False in the child, which
must then not report progress or touch anything shared (a database connection, the screen)."""


def can_fork() -> bool:
    """Whether this call may fork: the platform forks (Linux does; Windows cannot) and we are the main thread.

    A child forked from a worker thread (the app runs imports in one) inherits every lock the other
    threads held at that moment and could wait on one forever, so such calls keep to one process.
    """
    on_main_thread = threading.current_thread() is threading.main_thread()
    return on_main_thread and "fork" in multiprocessing.get_all_start_methods()


def in_parts(work: Work[T], count: int, *, minimum: int, share: float = 0.53) -> list[T]:
    """[work(0, split), work(split, count)] with the second part in a child; one part here when small.

    Below `minimum` items starting a process costs more than it saves. `share` is this process's
    part: a little over half, as the child also pickles its result (unpickling it here costs less).
    """
    if count < minimum or not can_fork():
        return [work(0, count, True)]
    split = int(count * share)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, split, count, sender), daemon=True)
    child.start()
    sender.close()
    try:
        mine = work(0, split, True)
        theirs = _received(receiver)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()  # this process failed or was cancelled: the child's part is not wanted
        child.join()
    return [mine, cast(T, theirs[0]) if theirs else work(split, count, True)]


def _child(work: Work[T], start: int, stop: int, sender: Connection) -> None:
    """In the child: work out the part and send it (None, when anything fails)."""
    try:
        sender.send((work(start, stop, False),))
    except BaseException:  # the parent redoes the part and raises the error there
        with contextlib.suppress(Exception):
            sender.send(None)
    finally:
        sender.close()


def _received(receiver: Connection) -> tuple[object, ...] | None:
    """The child's (result,), or None when it sent nothing usable."""
    try:
        received = receiver.recv()
    except (EOFError, OSError):
        return None
    return received if isinstance(received, tuple) else None
