"""Pause Python's cyclic garbage collector while building big in-memory graphs.

Building a projection allocates millions of dicts and tuples that all survive; each
allocation burst triggers collections that traverse every object built so far, so the
build becomes quadratic-ish and holds the GIL for seconds at a time (measured on the
generator's 1M-relationship graph: 110 s with the collector, 30 s without, longest GIL
hold 9.4 s vs 2.6 s — long enough for uvicorn's supervisor to think a worker hung).
The objects are freed by reference counting as usual; only cycle detection waits.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (nestable, thread-safe).

    The collector is re-enabled when the outermost block exits, if it was enabled
    before.

    Examples
    --------
    >>> import gc
    >>> with paused_gc():
    ...     with paused_gc():
    ...         gc.isenabled()
    ...     gc.isenabled()
    False
    False
    >>> gc.isenabled()
    True
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
