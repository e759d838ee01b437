"""Keep the embedded server up for a while after its last user leaves.

Every CLI command is a short process: without this, each one started the server
(loading the whole graph from disk) and the last one out stopped it again, so a user
who scripts a few ``transfernet query`` calls waited for the start, not for the answer.

When the last lease is released with a *linger* (``TRANSFERNET_SERVER_LINGER_S``), the
server is not stopped; `schedule_stop` records a deadline in ``linger.json`` and makes
sure one small **reaper** process (`graph.backends.falkordb.reaper`) waits for it.  At
the deadline the reaper takes the server lock and stops the server only if no live
process holds a lease and no later release moved the deadline.  A command that opens
the store meanwhile finds the server running and takes a lease as usual; when it
releases, the deadline moves on.

Crash safety is that of `graph.backends.falkordb.server`: the reaper stops the server
through the same locked path as the last closer; if the reaper itself is killed, the
server stays up (as when every client dies) until the next release schedules a new
reaper or ``transfernet stop`` ends it.  Nothing here touches the data files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from graph.backends.falkordb.procs import pid_alive

__all__ = [
    "LINGER_FILE",
    "REAPER_PID",
    "cancel",
    "deadline",
    "reaper_alive",
    "schedule_stop",
    "scheduled_pid",
]

#: The pending stop: ``{"deadline": epoch seconds, "server_pid": int}``.
LINGER_FILE = "linger.json"
#: The reaper's ``"<pid> <start time>"``.
REAPER_PID = "reaper.pid"


def deadline(store_dir: str | os.PathLike[str]) -> float | None:
    """The pending stop's deadline (epoch seconds), or ``None`` when none is scheduled.

    Examples
    --------
    >>> import tempfile
    >>> deadline(tempfile.mkdtemp()) is None
    True
    """
    try:
        data = json.loads((Path(store_dir) / LINGER_FILE).read_text())
        return float(data["deadline"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cancel(store_dir: str | os.PathLike[str]) -> None:
    """Forget the pending stop (the server was stopped, or a stop is not wanted)."""
    (Path(store_dir) / LINGER_FILE).unlink(missing_ok=True)


def reaper_alive(store_dir: str | os.PathLike[str]) -> bool:
    """Whether the reaper of `store_dir` runs."""
    try:
        pid_text, _, start = (Path(store_dir) / REAPER_PID).read_text().strip().partition(" ")
        return pid_alive(int(pid_text), start)
    except (OSError, ValueError):
        return False


def schedule_stop(store_dir: str | os.PathLike[str], linger_s: float, server_pid: int) -> None:
    """Stop the server `linger_s` seconds from now unless someone uses it; call under the server lock.

    Parameters
    ----------
    store_dir : path
        The server's directory.
    linger_s : float
        Seconds from now (> 0).
    server_pid : int
        The server to stop: a reaper never stops a newer server started after this call.
    """
    path = Path(store_dir)
    fd, tmp = tempfile.mkstemp(dir=path, prefix=".linger.", suffix=".json")
    with os.fdopen(fd, "w") as fh:
        json.dump({"deadline": time.time() + linger_s, "server_pid": server_pid}, fh)
    os.replace(tmp, path / LINGER_FILE)
    if not reaper_alive(path):
        subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "graph.backends.falkordb.reaper", str(path)],
            cwd=path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in the command's process group: Ctrl-C there spares it
            close_fds=True,
            env={**os.environ, "PYTHONPATH": _source_root()},
        )


def _source_root() -> str:
    """The directory holding the ``graph`` package, first on the reaper's path."""
    root = str(Path(__file__).resolve().parents[3])
    rest = os.environ.get("PYTHONPATH", "")
    return f"{root}{os.pathsep}{rest}" if rest else root


def scheduled_pid(store_dir: str | os.PathLike[str]) -> int:
    """The server pid the pending stop is for (0 when none is scheduled)."""
    path = Path(store_dir)
    try:
        return int(json.loads((path / LINGER_FILE).read_text())["server_pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0
