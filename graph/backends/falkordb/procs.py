"""Is that process alive, and still the one we mean? (pid reuse, zombies)"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["pid_alive", "proc_start_time"]


def proc_start_time(pid: int) -> str:
    """Return the kernel start time of `pid` ("" if unknown); guards against pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) may contain spaces: split after its closing ')'
    fields = stat[stat.rfind(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else ""


def pid_alive(pid: int, start_time: str = "") -> bool:
    """Whether process `pid` runs (not a zombie), and is the one started at `start_time` if given.

    Examples
    --------
    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if start_time:
        now = proc_start_time(pid)
        if now and now != start_time:
            return False  # the pid was reused by another process
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text()
        if state[state.rfind(")") + 2 :].startswith(("Z", "X")):
            return False  # zombie: dead, not yet reaped
    return True
