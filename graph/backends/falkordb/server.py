"""Lifecycle of the embedded FalkorDB server (``redis-server`` + ``falkordb.so``).

One server per data directory, shared by every process that opens the store there.

Lifecycle decision
------------------
*Lease counting.*  Every process that opens the store takes a **lease** (a file in
``<store_dir>/clients/``) and releases it when it closes.  The first opener starts the
server; the last closer stops it.  Starting, stopping, taking and releasing leases all
happen under one file lock (``server.lock``), so two processes starting at once launch
one server and a closing process never stops a server a newcomer has just leased.

*Crash recovery.*  The server is found through ``server.json`` (pid, process start
time, socket, port) plus a liveness check (the pid exists, has the recorded start time
and answers ``PING``).  A registry, socket or pid file left by a crashed server is
removed at the next start.  Leases of dead processes are ignored and pruned, so a
``SIGKILL``-ed client never keeps the server alive forever; if *every* client dies,
the server stays up (daemonised, no zombie) and the next opener reuses it, or
`stop_server` (``transfernet stop``) ends it.

*Durability.*  Append-only file on, ``appendfsync everysec``: redis ``write(2)``\\ s the
AOF buffer before it replies to a client, so an acknowledged write survives a
``SIGKILL`` of the server (the bytes are in the kernel's page cache); only an OS crash
or power loss can lose the last second.  ``always`` would add one ``fsync`` per command;
pass ``appendfsync="always"`` to `ensure_server` when that matters more than speed.
RDB snapshots are off (``save ""``); AOF rewrites use an RDB preamble, so restarts of
a large store load fast, and are started by the store, not by redis
(`graph.backends.falkordb.aof`).  Every working file (AOF, log, pid, GRAPH.COPY temp files)
lives in the store directory.

*Limits.*  Every query may use at most ``QUERY_MEM_CAPACITY`` bytes (`query_memory_mb`,
default `DEFAULT_QUERY_MEMORY_MB`, 4 GiB, or ``TRANSFERNET_QUERY_MEMORY_MB``): generous
for the project's own paged projections and batched loads (and above the 3.1 GB that
``range(1, 100000000)`` takes before its timeout is checked), but a runaway read fails
with "Query's mem consumption exceeded capacity" instead of growing the server until
the kernel kills it.  FalkorDB checks the cap between operators, not within one
expression, so untrusted queries are also screened for unbounded growth
(`graph.untrusted`).  Timeouts are per query (``GRAPH.RO_QUERY ... TIMEOUT``, set by the
store for untrusted reads), not global, so long internal loads are not cut.
``IMPORT_FOLDER`` is an empty directory of the store: ``LOAD CSV`` (refused for untrusted
callers anyway) finds no files there.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from graph.backends.falkordb import linger
from graph.backends.falkordb.procs import pid_alive, proc_start_time

__all__ = [
    "DEFAULT_QUERY_MEMORY_MB",
    "MAX_SOCKET_PATH",
    "Lease",
    "ServerError",
    "ServerInfo",
    "acquire_lease",
    "client_address",
    "ensure_server",
    "live_leases",
    "pid_alive",
    "read_registry",
    "release_lease",
    "server_lock",
    "startup_failure",
    "stop_locked",
    "stop_server",
]

REGISTRY = "server.json"
LOCK = "server.lock"
PIDFILE = "redis.pid"
LOGFILE = "redis.log"
SOCKET = "redis.sock"
CLIENTS = "clients"
#: Longest unix socket path used (``sun_path`` is 108 bytes on Linux, 104 on macOS); a
#: longer one makes clients connect over TCP.
MAX_SOCKET_PATH = 100
#: Per-query memory cap of a newly started server, in MiB (0: unlimited).
DEFAULT_QUERY_MEMORY_MB = 4096


class ServerError(RuntimeError):
    """The embedded server could not be started, reached or stopped."""


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """Where a running embedded server listens (the content of ``server.json``)."""

    pid: int
    start_time: str
    socket: str
    port: int
    store_dir: str
    started_at: float

    def to_json(self) -> str:
        """Serialise for the registry file."""
        return json.dumps(asdict(self), indent=2)


@dataclass(frozen=True, slots=True)
class Lease:
    """A process's claim on the shared server; release it with `release_lease`."""

    store_dir: Path
    path: Path


# -- process helpers: `graph.backends.falkordb.procs` ----------------------------------


def _ping(info: ServerInfo, timeout: float = 2.0) -> str:
    """Send PING; return "PONG", "LOADING" or "" when unreachable."""
    reply = _send(info, b"*1\r\n$4\r\nPING\r\n", timeout)
    if reply.startswith(b"+PONG"):
        return "PONG"
    if reply.startswith(b"-LOADING"):
        return "LOADING"
    return ""


def _send(info: ServerInfo, command: bytes, timeout: float) -> bytes:
    """Send one RESP command on a fresh connection; return the first reply bytes."""
    try:
        if info.socket and len(info.socket) <= MAX_SOCKET_PATH:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: Any = info.socket
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = ("127.0.0.1", info.port)
        with sock:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(command)
            return sock.recv(256)
    except OSError:
        return b""


# -- registry ---------------------------------------------------------------------------


def read_registry(store_dir: str | os.PathLike[str]) -> ServerInfo | None:
    """Return the registered server of `store_dir` if it is alive, else ``None``.

    Examples
    --------
    >>> import tempfile
    >>> read_registry(tempfile.mkdtemp()) is None
    True
    """
    path = Path(store_dir) / REGISTRY
    try:
        info = ServerInfo(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if not pid_alive(info.pid, info.start_time):
        return None
    return info


def _write_registry(store_dir: Path, info: ServerInfo) -> None:
    fd, tmp = tempfile.mkstemp(dir=store_dir, prefix=".server.", suffix=".json")
    with os.fdopen(fd, "w") as fh:
        fh.write(info.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, store_dir / REGISTRY)


def _socket_path(store_dir: Path) -> Path:
    """The unix socket: in the store dir, or a short per-user path when that is too long."""
    path = store_dir / SOCKET
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha1(str(store_dir).encode()).hexdigest()[:16]  # noqa: S324 - a name, not security
    runtime = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()) / f"transfernet-{os.getuid()}"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    return runtime / f"{digest}.sock"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_lock(store_dir: str | os.PathLike[str], timeout: float = 120.0) -> FileLock:
    """The file lock that serialises start, stop and leases of the server of `store_dir`."""
    path = Path(store_dir)
    path.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path / LOCK), timeout=timeout, thread_local=False)


# -- start / stop -----------------------------------------------------------------------


#: Working files a server killed mid-way leaves behind: its AOF rewrite's temporary base
#: file and the graph dumps of ``GRAPH.COPY`` (as large as the graph, each).
STALE_FILES = ("temp-rewriteaof-*.aof", "temp-*.rdb", "tmp/*.dump")


def _cleanup_stale(store_dir: Path) -> None:
    """Remove what a dead server left behind (registry, pid file, socket, `STALE_FILES`)."""
    registry = store_dir / REGISTRY
    with contextlib.suppress(OSError, ValueError, TypeError):
        old = json.loads(registry.read_text())
        Path(old.get("socket", "")).unlink(missing_ok=True)
    pidfile = store_dir / PIDFILE
    with contextlib.suppress(OSError, ValueError):
        pid = int(pidfile.read_text().strip())
        if pid_alive(pid) and "redis" in Path(f"/proc/{pid}/cmdline").read_text():
            # a server we never registered (crash between start and registry): end it
            os.kill(pid, signal.SIGTERM)
            _wait_dead(pid, 10.0)
    for name in (REGISTRY, PIDFILE):
        (store_dir / name).unlink(missing_ok=True)
    _socket_path(store_dir).unlink(missing_ok=True)
    for pattern in STALE_FILES:
        for path in store_dir.glob(pattern):
            path.unlink(missing_ok=True)


def _wait_dead(pid: int, timeout: float, start_time: str = "") -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid, start_time):
            return True
        time.sleep(0.02)
    return not pid_alive(pid, start_time)


def _launch(
    store_dir: Path,
    *,
    port: int | None,
    appendfsync: str,
    bolt_port: int | None,
    extra_module_args: tuple[str, ...],
    startup_timeout: float,
    query_memory_mb: int | None = None,
) -> ServerInfo:
    from graph.backends.falkordb.binaries import binaries

    executables = binaries()
    if query_memory_mb is None:
        query_memory_mb = int(os.environ.get("TRANSFERNET_QUERY_MEMORY_MB", DEFAULT_QUERY_MEMORY_MB))

    tmp_dir = store_dir / "tmp"
    import_dir = store_dir / "import"
    tmp_dir.mkdir(exist_ok=True)
    import_dir.mkdir(exist_ok=True)
    sock = _socket_path(store_dir)
    tcp_port = port if port is not None else (0 if len(str(sock)) <= MAX_SOCKET_PATH else _free_port())
    module_args = [
        "TEMP_FOLDER",
        str(tmp_dir),
        "IMPORT_FOLDER",
        str(import_dir) + os.sep,
        *(["BOLT_PORT", str(bolt_port)] if bolt_port else []),
        *(["QUERY_MEM_CAPACITY", str(query_memory_mb * 1024 * 1024)] if query_memory_mb > 0 else []),
        *extra_module_args,
    ]
    args = [
        str(executables.redis_server),
        "--dir",
        str(store_dir),
        "--daemonize",
        "yes",
        "--pidfile",
        str(store_dir / PIDFILE),
        "--logfile",
        str(store_dir / LOGFILE),
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--bind",
        "127.0.0.1",
        "--port",
        str(tcp_port),
        "--protected-mode",
        "yes",
        "--appendonly",
        "yes",
        "--appendfsync",
        appendfsync,
        "--appenddirname",
        "appendonlydir",
        "--aof-use-rdb-preamble",
        "yes",
        "--aof-load-truncated",
        "yes",
        # no automatic rewrites: the store starts them under its write lock, so that they
        # never meet a GRAPH.COPY fork (see graph.backends.falkordb.aof)
        "--auto-aof-rewrite-percentage",
        "0",
        "--save",
        "",
        "--dbfilename",
        "dump.rdb",
        "--loadmodule",
        str(executables.module),
        *module_args,
    ]
    # --daemonize yes: redis forks and the launcher exits at once, so the server is
    # never our zombie and survives us (other processes may be using it).
    # LC_ALL=C: redis sets its collation from the environment and refuses to start when the
    # locale is not installed ("Failed to configure LOCALE for invalid locale name"): a user
    # with LANG=zh_CN.UTF-8 on a machine without that locale had no store.  FalkorDB's text
    # functions do not depend on it (utf8proc).
    proc = subprocess.run(  # noqa: S603 - fixed executable, no shell
        args,
        cwd=store_dir,
        env={**os.environ, "LC_ALL": "C"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=startup_timeout,
        check=False,
        start_new_session=True,
    )
    if proc.returncode != 0:
        raise ServerError(f"redis-server failed to start: {proc.stderr.decode(errors='replace')[-500:]}")
    deadline = time.monotonic() + startup_timeout
    pid = 0
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            pid = int((store_dir / PIDFILE).read_text().strip())
        if pid:
            break
        time.sleep(0.01)
    if not pid:
        raise ServerError(f"redis-server wrote no pid file; see {store_dir / LOGFILE}")
    info = ServerInfo(
        pid=pid,
        start_time=proc_start_time(pid),
        socket=str(sock),
        port=tcp_port,
        store_dir=str(store_dir),
        started_at=time.time(),
    )
    while time.monotonic() < deadline:
        state = _ping(info)
        if state == "PONG":
            return info
        if not pid_alive(pid):
            break
        time.sleep(0.02)
    log_text = ""
    with contextlib.suppress(OSError):
        log_text = (store_dir / LOGFILE).read_text(errors="replace")
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    raise ServerError(startup_failure(log_text, pid, store_dir / LOGFILE))


#: What a server that cannot read its files writes (redis' own messages) ...
_UNREADABLE = (
    "Internal error in RDB reading",
    "Can't handle RDB format version",  # written by a newer redis
    "Error reading the RDB",
    "Bad file format reading",
)
#: ... and what a crash writes, which is the files' fault only once it began reading them
_CRASHED = ("crashed by signal", "Guru Meditation")
_READING = ("Reading RDB", "Loading RDB", "Reading the remaining AOF")


def startup_failure(log_text: str, pid: int, log_path: Path) -> str:
    """The error of a server that died or hung while starting: its own warnings, not the
    tail of its crash report (a memory test's progress), and what it means for the data.

    Examples
    --------
    >>> log = (
    ...     "7:C 02 Dec * Redis version=8.2.3\\n"
    ...     "9:M 02 Dec # old warning of another server\\n"
    ...     "7:M 02 Dec # Internal error in RDB reading offset 13054058, function at rdb.c:3140\\n"
    ...     "*** Preparing to test memory region 7f5bd36a7000 (28672 bytes)\\n"
    ... )
    >>> print(startup_failure(log, 7, Path("/d/redis.log")))  # doctest: +NORMALIZE_WHITESPACE
    redis-server did not become ready: Internal error in RDB reading offset 13054058,
    function at rdb.c:3140. It could not read the store's files (appendonlydir/); they
    are left as they were. Loading the sources again into an empty data directory
    rebuilds the graph. Full log: /d/redis.log
    """
    own = [line for line in log_text.splitlines() if line.startswith(f"{pid}:")]
    warnings = [line.split(" # ", 1)[1].strip() for line in own if " # " in line]
    warnings = [w for w in warnings if not w.startswith("WARNING Memory overcommit")]
    unreadable = [w for w in warnings if any(marker in w for marker in _UNREADABLE)]
    crashed = [w for w in warnings if any(marker in w for marker in _CRASHED)]
    reading = any(marker in line for line in own for marker in _READING)
    telling = unreadable or crashed or warnings
    reason = "; ".join(telling[-3:]) if telling else (own[-1] if own else log_text[-300:].strip())
    message = f"redis-server did not become ready: {reason.rstrip('.')}."
    if unreadable or (crashed and reading):
        message += (
            " It could not read the store's files (appendonlydir/); they are left as they were."
            " Loading the sources again into an empty data directory rebuilds the graph."
        )
    return f"{message} Full log: {log_path}"


def ensure_server(
    store_dir: str | os.PathLike[str],
    *,
    port: int | None = None,
    appendfsync: str = "everysec",
    bolt_port: int | None = None,
    extra_module_args: tuple[str, ...] = (),
    startup_timeout: float = 300.0,
    query_memory_mb: int | None = None,
) -> ServerInfo:
    """Return the running server of `store_dir`, starting it if needed.

    Parameters
    ----------
    store_dir : path
        The server's directory (``StoreSettings.store_dir``); created if missing.
    port : int, optional
        Also listen on this loopback TCP port (``None``: unix socket only, unless the
        socket path is too long for ``sun_path``; then a free loopback port is used).
    appendfsync : {"everysec", "always"}
        AOF fsync policy of a newly started server.
    bolt_port : int, optional
        Enable FalkorDB's experimental Bolt endpoint on this port.
    extra_module_args : tuple of str
        More ``falkordb.so`` arguments (``THREAD_COUNT 4`` ...).
    startup_timeout : float
        Seconds to wait for the server to load its data and answer.
    query_memory_mb : int, optional
        Per-query memory cap of a newly started server (``QUERY_MEM_CAPACITY``; 0: none).
        Default ``TRANSFERNET_QUERY_MEMORY_MB`` or `DEFAULT_QUERY_MEMORY_MB`.

    Notes
    -----
    Callers that keep using the server should hold a lease (`acquire_lease`),
    which calls this function under the server lock.
    """
    path = Path(store_dir).resolve()
    with server_lock(path):
        return _ensure_locked(
            path,
            port=port,
            appendfsync=appendfsync,
            bolt_port=bolt_port,
            extra_module_args=extra_module_args,
            startup_timeout=startup_timeout,
            query_memory_mb=query_memory_mb,
        )


def _ensure_locked(path: Path, **kwargs: Any) -> ServerInfo:
    info = read_registry(path)
    if info is not None:
        deadline = time.monotonic() + float(kwargs.get("startup_timeout", 300.0))
        while time.monotonic() < deadline:
            state = _ping(info)
            if state == "PONG":
                return info
            if state == "" and not pid_alive(info.pid, info.start_time):
                break
            if state == "":
                # alive but not answering: hung; replace it
                os.kill(info.pid, signal.SIGKILL)
                _wait_dead(info.pid, 10.0, info.start_time)
                break
            time.sleep(0.05)
    _cleanup_stale(path)
    if kwargs.get("appendfsync") not in ("everysec", "always", "no"):
        raise ServerError(f"bad appendfsync {kwargs.get('appendfsync')!r}")
    info = _launch(path, **kwargs)
    _write_registry(path, info)
    return info


def stop_server(store_dir: str | os.PathLike[str], *, timeout: float = 30.0) -> bool:
    """Stop the server of `store_dir` (AOF flushed); return whether one was running.

    Leases are dropped: clients still connected will see errors.  Safe to call when no
    server runs (it then only removes stale files).

    Examples
    --------
    >>> import tempfile
    >>> stop_server(tempfile.mkdtemp())
    False
    """
    path = Path(store_dir).resolve()
    if not path.exists():
        return False
    with server_lock(path):
        return stop_locked(path, timeout)


def stop_locked(path: Path, timeout: float) -> bool:
    """`stop_server` for a caller that already holds `server_lock` (the reaper)."""
    info = read_registry(path)
    running = info is not None
    if info is not None:
        _settle_log(info, timeout)
        # SHUTDOWN fsyncs the AOF, removes the pid file and exits.  The module's
        # threads make the exit itself take ~1 s after that; once the pid file is
        # gone the data is safe, so a lingering process is killed.
        _send(info, b"*1\r\n$8\r\nSHUTDOWN\r\n", timeout)
        pidfile = path / PIDFILE
        deadline = time.monotonic() + timeout
        while pidfile.exists() and pid_alive(info.pid, info.start_time) and time.monotonic() < deadline:
            time.sleep(0.01)
        if not pidfile.exists():
            if not _wait_dead(info.pid, 0.2, info.start_time):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(info.pid, signal.SIGKILL)
                _wait_dead(info.pid, 5.0, info.start_time)
        elif not _wait_dead(info.pid, 0.0, info.start_time):
            os.kill(info.pid, signal.SIGTERM)  # SIGTERM also flushes the AOF
            if not _wait_dead(info.pid, timeout, info.start_time):
                os.kill(info.pid, signal.SIGKILL)
                _wait_dead(info.pid, 5.0, info.start_time)
    _cleanup_stale(path)
    linger.cancel(path)
    clients = path / CLIENTS
    if clients.exists():
        for lease in clients.iterdir():
            lease.unlink(missing_ok=True)
    return running


def client_address(info: ServerInfo) -> dict[str, Any]:
    """A redis client's address of `info`'s server: its unix socket when the path fits
    ``sun_path``, else loopback TCP.

    Examples
    --------
    >>> info = ServerInfo(1, "0", "/tmp/s.sock", 6400, "/tmp", 0.0)
    >>> client_address(info)
    {'unix_socket_path': '/tmp/s.sock'}
    >>> client_address(ServerInfo(1, "0", "/" + "x" * 200, 6400, "/tmp", 0.0))
    {'host': '127.0.0.1', 'port': 6400}
    """
    if info.socket and len(info.socket) <= MAX_SOCKET_PATH:
        return {"unix_socket_path": info.socket}
    return {"host": "127.0.0.1", "port": info.port}


def _settle_log(info: ServerInfo, timeout: float) -> None:
    """Compact the server's grown AOF before it stops (`graph.backends.falkordb.aof.settle`),
    best effort: a server that does not answer within a second is stopped as before."""
    import redis  # here, not at the top: the reaper and the CLI's read path need no client
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from graph.backends.falkordb.aof import settle

    # not `clients.deadline_client`: clients imports this module (no cycle); no retries either
    client = redis.Redis(
        **client_address(info), socket_timeout=1.0, socket_connect_timeout=1.0, retry=Retry(NoBackoff(), 0)
    )
    try:
        settle(client, timeout)
    except (redis.RedisError, OSError):
        pass
    finally:
        client.close()


# -- leases -----------------------------------------------------------------------------

_atexit_leases: dict[Path, Lease] = {}
_atexit_guard = threading.Lock()
_atexit_registered = False


def _lease_owner(name: str) -> tuple[int, str]:
    pid, _, rest = name.partition("-")
    start, _, _ = rest.partition("-")
    try:
        return int(pid), start
    except ValueError:
        return 0, ""


def live_leases(store_dir: str | os.PathLike[str], *, prune: bool = True) -> list[Path]:
    """Leases on `store_dir` held by live processes (dead ones are removed if `prune`)."""
    clients = Path(store_dir) / CLIENTS
    if not clients.exists():
        return []
    alive = []
    for lease in clients.glob("*.lease"):
        pid, start = _lease_owner(lease.name)
        if pid_alive(pid, start):
            alive.append(lease)
        elif prune:
            lease.unlink(missing_ok=True)
    return alive


def acquire_lease(store_dir: str | os.PathLike[str], **server_options: Any) -> tuple[Lease, ServerInfo]:
    """Start or reuse the server of `store_dir` and register this process as a client.

    Released by `release_lease` (also at interpreter exit, if forgotten).
    """
    global _atexit_registered
    path = Path(store_dir).resolve()
    with server_lock(path):
        server_options.setdefault("startup_timeout", 300.0)
        server_options.setdefault("appendfsync", "everysec")
        server_options.setdefault("port", None)
        server_options.setdefault("bolt_port", None)
        server_options.setdefault("extra_module_args", ())
        info = _ensure_locked(path, **server_options)
        clients = path / CLIENTS
        clients.mkdir(exist_ok=True)
        pid = os.getpid()
        lease_path = clients / f"{pid}-{proc_start_time(pid)}-{uuid.uuid4().hex[:8]}.lease"
        lease_path.write_text(str(info.pid))
    lease = Lease(path, lease_path)
    with _atexit_guard:
        _atexit_leases[lease_path] = lease
        if not _atexit_registered:
            atexit.register(_release_all)
            _atexit_registered = True
    return lease, info


def release_lease(
    lease: Lease, *, stop_if_unused: bool = True, linger_s: float = 0.0, timeout: float = 30.0
) -> bool:
    """Drop `lease`; stop the server when no live lease remains. Return whether it stopped.

    With `linger_s` > 0 the last release does not stop the server at once: it stops
    `linger_s` seconds later unless another process uses it meanwhile
    (`graph.backends.falkordb.linger`), so the next short command finds it running.
    """
    with _atexit_guard:
        _atexit_leases.pop(lease.path, None)
    if not lease.store_dir.exists():
        return False
    with server_lock(lease.store_dir):
        lease.path.unlink(missing_ok=True)
        if stop_if_unused and not live_leases(lease.store_dir):
            if linger_s > 0:
                info = read_registry(lease.store_dir)
                if info is not None:
                    linger.schedule_stop(lease.store_dir, linger_s, info.pid)
                return False
            return stop_locked(lease.store_dir, timeout)
    return False


def _release_all() -> None:
    with _atexit_guard:
        leases = list(_atexit_leases.values())
    for lease in leases:
        with contextlib.suppress(Exception):
            release_lease(lease)
