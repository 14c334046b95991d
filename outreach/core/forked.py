"""Long pure work split with a forked child, so a second core does part of it.

Two shapes: `in_parts` splits a job in two (the import normalises its rows so), and `forked_map`
streams a child's results back chunk by chunk while the parent uses each as it comes (scheduling
writes what is planned while the child plans the rest). Either way the child starts as a copy of this
process, its random generator included, so it computes exactly what this process would have; it never
touches the database or the screen.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")

_LENGTH = 8
"""Bytes of the length before each message the child sends."""

Work = Callable[[int, int, bool], T]
"""work(start, stop, here): the result for items start..stop-1; `here` is False in the child, which
must then not report progress or touch anything shared (a database connection, the screen)."""


def can_fork() -> bool:
    """Whether forking is safe here: POSIX, and no other thread that could hold a lock the child needs.

    A child forked while another thread runs (the app's workers, say) inherits every lock that thread
    held at that moment and could wait on one forever, so such calls keep to one process.
    """
    return hasattr(os, "fork") and threading.active_count() == 1


def in_parts(work: Work[T], count: int, *, minimum: int, share: float = 0.53) -> list[T]:
    """[work(0, split), work(split, count)] with the second part in a child; one part here when small.

    Below `minimum` items starting a process costs more than it saves. `share` is this process's
    part: a little over half, as the child also pickles its result (unpickling it here costs less).
    Whatever goes wrong in the child, this process does that part itself, so an error is raised
    with its own traceback.
    """
    if count < minimum or not can_fork():
        return [work(0, count, True)]
    split = int(count * share)
    child, stream = _fork(lambda _: work(split, count, False), [None], 1)
    theirs: list[T] | None = None
    try:
        mine = work(0, split, True)
        with contextlib.suppress(Exception):  # the child failed: its part is done below
            theirs = _receive(stream)
    finally:  # also when this process failed or was cancelled: the child's part is not wanted then
        _reap(child, stream, finished=theirs is not None)
    return [mine, theirs[0] if theirs else work(split, count, True)]


def forked_map(work: Callable[[Item], Result], items: Sequence[Item], chunk: int) -> Iterator[list[Result]]:
    """`work` of each item, computed in a forked child and yielded `chunk` results at a time, in order;
    an exception the child meets is raised here, after the results before it."""
    child, stream = _fork(work, items, chunk)
    finished = False
    try:
        while (part := _receive(stream)) is not None:
            yield part
        finished = True
    finally:
        _reap(child, stream, finished=finished)


def _fork(work: Callable[[Item], Result], items: Sequence[Item], chunk: int) -> tuple[int, BinaryIO]:
    """A child serving `work` of the items; its pid and the stream its results come through."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover  (the child's coverage is not collected; tests check its results)
        os.close(read_end)
        _serve(work, items, chunk, write_end)
    os.close(write_end)
    return child, os.fdopen(read_end, "rb")


def _reap(child: int, stream: BinaryIO, *, finished: bool) -> None:
    """Close the child's stream and wait for it, killed first unless its results were all wanted."""
    stream.close()
    if not finished:  # the consumer stopped early: the child may be blocked writing
        os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)


def _receive(stream: BinaryIO) -> Any:
    """The child's next chunk, None once it is done; its exception raised."""
    header = stream.read(_LENGTH)
    size = int.from_bytes(header, "little") if len(header) == _LENGTH else 0
    data = stream.read(size) if size else b""
    if not size or len(data) != size:
        raise RuntimeError("the forked worker ended before finishing its work")
    # Unpickled from bytes read whole: from the stream itself, frame by frame, it costs half as much again.
    kind, payload = pickle.loads(data)  # noqa: S301  (our own child's output, through a private pipe)
    if kind == "error":
        raise payload
    return payload if kind == "chunk" else None


def _serve(work: Callable[[Item], Result], items: Sequence[Item], chunk: int,
           write_end: int) -> None:  # pragma: no cover  (runs in the child)
    """The child's side: each chunk's results pickled into the pipe, then `done` or the error; exits."""
    code = 0
    try:
        with os.fdopen(write_end, "wb") as stream:
            try:
                for start in range(0, len(items), chunk):
                    _send(stream, ("chunk", [work(item) for item in items[start:start + chunk]]))
                _send(stream, ("done", None))
            except Exception as exc:  # handed to the parent, which raises it
                _send(stream, ("error", _portable(exc)))
    except BaseException:  # the parent sees the pipe close without `done`
        code = 1
    finally:
        os._exit(code)


def _send(stream: BinaryIO, message: tuple[str, Any]) -> None:  # pragma: no cover  (runs in the child)
    """Write one message's length, then the message, pickled whole first: pickled into the pipe frame by
    frame, the child would wait on the parent's reading at every frame."""
    data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(_LENGTH, "little"))
    stream.write(data)


def _portable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling, else a RuntimeError that names it."""
    try:
        copy = pickle.loads(pickle.dumps(exc))  # noqa: S301  (made just above)
    except Exception:  # an exception type whose arguments do not round-trip
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return copy if isinstance(copy, Exception) else RuntimeError(repr(exc))
