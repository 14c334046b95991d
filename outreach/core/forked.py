"""Work done in a forked child and streamed back in order, so the parent can use each part as it comes.

Scheduling a large run plans and composes in a child while the parent writes what is already planned:
the two halves take about as long, and two cores do them at once. The child inherits the parent's
state as it is at the fork (its random generator included), so it computes exactly what the parent
would have; it never touches the parent's database connection and ends with `os._exit`.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def can_fork() -> bool:
    """Whether forking is safe here: POSIX, and no other thread that could hold a lock the child needs."""
    return hasattr(os, "fork") and threading.active_count() == 1


def forked_map(work: Callable[[Item], Result], items: Sequence[Item], chunk: int) -> Iterator[list[Result]]:
    """`work` of each item, computed in a forked child and yielded `chunk` results at a time, in order;
    an exception the child meets is raised here, after the results before it."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover  (the child's coverage is not collected; tests check its results)
        os.close(read_end)
        _serve(work, items, chunk, write_end)
    os.close(write_end)
    finished = False
    try:
        with os.fdopen(read_end, "rb") as stream:
            while (part := _receive(stream)) is not None:
                yield part
        finished = True
    finally:
        if not finished:  # the consumer stopped early: the child may be blocked writing
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def _receive(stream: BinaryIO) -> Any:
    """The child's next chunk, None once it is done; its exception raised."""
    try:
        kind, payload = pickle.load(stream)  # noqa: S301  (our own child's output, through a private pipe)
    except EOFError:
        raise RuntimeError("the forked worker ended before finishing its work") from None
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
                    results = [work(item) for item in items[start:start + chunk]]
                    pickle.dump(("chunk", results), stream, pickle.HIGHEST_PROTOCOL)
                pickle.dump(("done", None), stream)
            except Exception as exc:  # handed to the parent, which raises it
                pickle.dump(("error", _portable(exc)), stream)
    except BaseException:  # the parent sees the pipe close without `done`
        code = 1
    finally:
        os._exit(code)


def _portable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling, else a RuntimeError that names it."""
    try:
        copy = pickle.loads(pickle.dumps(exc))  # noqa: S301  (made just above)
    except Exception:  # an exception type whose arguments do not round-trip
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return copy if isinstance(copy, Exception) else RuntimeError(repr(exc))
