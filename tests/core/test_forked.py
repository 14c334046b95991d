"""Work split over a forked child comes back in order, as one process would make it, or is redone here."""

from __future__ import annotations

import os
import threading

import pytest

from outreach.core import forked
from outreach.core.forked import in_parts
from tests.processes import child_pids


def squares(start: int, stop: int, here: bool) -> tuple[list[int], bool, int]:
    """The squares of start..stop-1, whether this ran in the calling process, and in which one."""
    return [n * n for n in range(start, stop)], here, os.getpid()


def test_a_big_job_is_split_and_comes_back_in_order() -> None:
    before = child_pids()
    parts = in_parts(squares, 1000, minimum=10)
    assert [n for numbers, _, _ in parts for n in numbers] == [n * n for n in range(1000)]
    assert [(here, pid == os.getpid()) for _, here, pid in parts] == [(True, True), (False, False)]
    assert child_pids() == before


def test_a_small_job_stays_in_this_process() -> None:
    parts = in_parts(squares, 9, minimum=10)
    assert parts == [([n * n for n in range(9)], True, os.getpid())]


def test_without_fork_everything_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    assert len(in_parts(squares, 1000, minimum=10)) == 1


def test_a_job_started_from_a_worker_thread_stays_in_this_process() -> None:
    parts: list[list[tuple[list[int], bool, int]]] = []
    worker = threading.Thread(target=lambda: parts.append(in_parts(squares, 1000, minimum=10)))
    worker.start()
    worker.join()
    assert parts == [[([n * n for n in range(1000)], True, os.getpid())]]


def fails_in_the_child(start: int, stop: int, here: bool) -> list[int]:
    """Works here, fails in the child (as a part that cannot be pickled or an error would)."""
    if not here:
        raise RuntimeError("child trouble")
    return list(range(start, stop))


def test_a_part_the_child_cannot_deliver_is_done_here() -> None:
    assert in_parts(fails_in_the_child, 100, minimum=10) == [list(range(53)), list(range(53, 100))]


def fails_at(start: int, stop: int, here: bool) -> list[int]:
    """An error for the part with item 70, wherever it runs."""
    if start <= 70 < stop:
        raise ValueError(f"item 70 ({'here' if here else 'child'})")
    return list(range(start, stop))


def test_an_error_of_the_childs_part_is_raised_here() -> None:
    before = child_pids()
    with pytest.raises(ValueError, match=r"item 70 \(here\)"):
        in_parts(fails_at, 100, minimum=10)
    assert child_pids() == before


def test_an_error_here_stops_the_child() -> None:
    before = child_pids()
    with pytest.raises(ValueError, match=r"item 70 \(here\)"):
        in_parts(fails_at, 100, minimum=10, share=0.9)
    assert child_pids() == before
