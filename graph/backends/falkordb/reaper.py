"""The reaper: stops a lingering embedded server once its deadline passes unused.

Started by `graph.backends.falkordb.linger.schedule_stop` as
``python -m graph.backends.falkordb.reaper STORE_DIR``; at most one per store directory.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from graph.backends.falkordb import linger, server
from graph.backends.falkordb.procs import proc_start_time

__all__ = ["reap"]

#: Longest sleep between looks at the deadline (seconds).
POLL_S = 5.0


def reap(store_dir: str | os.PathLike[str]) -> None:
    """The reaper's loop: wait for the deadline, then stop the server if it is still unused."""
    path = Path(store_dir).resolve()
    me = f"{os.getpid()} {proc_start_time(os.getpid())}"
    if linger.deadline(path) is None:
        return  # stopped (or the data directory deleted) before this process started
    with server.server_lock(path):
        if linger.reaper_alive(path):
            return  # another reaper was started meanwhile
        (path / linger.REAPER_PID).write_text(me)
    try:
        while True:
            due = linger.deadline(path)
            if due is None:
                return
            if time.time() < due:
                time.sleep(min(POLL_S, max(due - time.time(), 0.05)))
                continue
            if not path.exists():
                return  # never recreate a deleted data directory (the lock file would)
            with server.server_lock(path):
                due = linger.deadline(path)
                if due is None:
                    return
                if time.time() < due:
                    continue  # a release moved the deadline
                info = server.read_registry(path)
                server_pid = linger.scheduled_pid(path)
                linger.cancel(path)
                if server.live_leases(path):
                    return  # in use again: its last release schedules the next stop
                if info is not None and info.pid == server_pid:
                    server.stop_locked(path, 30.0)
                return
    finally:
        with contextlib.suppress(OSError):
            if (path / linger.REAPER_PID).read_text().strip() == me:
                (path / linger.REAPER_PID).unlink()


if __name__ == "__main__":  # pragma: no cover - run as the reaper process
    reap(sys.argv[1])
