"""Running a bulk loop without Python's cyclic garbage collector stepping in every few thousand objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while the block runs (restored after, even on error).

    A bulk import or dedupe creates millions of long-lived objects and almost no cycles; every
    automatic collection would walk all of them again, which costs more than the work itself.
    Reference counting still frees everything that is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
