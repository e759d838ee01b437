"""Run records: the one place analysis runs and the last load's report are written and read.

An analysis run (`RunRecord`) is saved as ``runs/analysis-<id>.json.gz``: its format
version, id and times, its typed parameters, the graph's counts, the seconds of each
step and the typed result of every analysis of `graph.analytics.registry.REGISTRY`.
The last load's report (`LoadRecord`) is ``runs/last-load.json``.  `RunRecords` reads
both for a data directory and keeps what it read until the files change (the API
server holds one, so a request never re-reads and re-parses a run).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter

from graph.analytics.notices import Notice
from graph.analytics.params import AnalysisParams
from graph.analytics.population import Population
from graph.analytics.registry import REGISTRY, Analysis
from graph.changes import Changes
from graph.gcpause import paused_gc

__all__ = [
    "LAST_LOAD",
    "RUN_FORMAT",
    "GraphCounts",
    "LoadProblem",
    "LoadRecord",
    "LoadSummary",
    "RunRecord",
    "RunRecordError",
    "RunRecordWriter",
    "RunRecords",
    "latest_run",
    "load_run",
    "read_load_record",
    "result_json",
    "run_file_name",
    "save_run",
    "write_load_record",
]

#: Version of the run-record format (1: the untyped records before the registry).
RUN_FORMAT = 2

#: File name of the last load's report in ``runs/``.
LAST_LOAD = "last-load.json"


class RunRecordError(ValueError):
    """A run record that cannot be read (another format version, or damaged)."""


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """The size of the graph and of the actor network a run analysed."""

    nodes: int
    relationships: int
    actors: int = 0
    actor_ties: int = 0


@dataclass(slots=True)
class RunRecord:
    """One run of the analysis suite.

    Examples
    --------
    >>> from graph.analytics.registry import DUPLICATES
    >>> from graph.analytics.results import DuplicatesResult
    >>> run = RunRecord("r1", "2026-01-01T00:00:00+00:00", AnalysisParams(), GraphCounts(3, 2))
    >>> run.results[DUPLICATES.key] = DuplicatesResult(())
    >>> run.get(DUPLICATES), run.params.partition
    (DuplicatesResult(clusters=(), co_located=()), 'country')
    """

    id: str
    started: str
    params: AnalysisParams
    graph: GraphCounts
    seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    ended: str | None = None
    population: Population | None = None  # what the analyses covered and left out
    warnings: tuple[str, ...] = ()  # what the analyses left out beyond the population, and why
    #: the same as messages to translate (`graph.analytics.notices`; empty in older records)
    notices: tuple[Notice, ...] = ()
    version: int = RUN_FORMAT

    def get[R](self, analysis: Analysis[R]) -> R | None:
        """The typed result of `analysis`, or None when the run does not hold it."""
        value: R | None = self.results.get(analysis.key)  # typed by the registry: read or computed
        return value

    def require[R](self, analysis: Analysis[R]) -> R:
        """The typed result of `analysis`; `RunRecordError` when the run lacks it."""
        value = self.get(analysis)
        if value is None:
            raise RunRecordError(f"run {self.id} holds no {analysis.key!r} results")
        return value

    @property
    def total_seconds(self) -> float:
        """Seconds of all steps."""
        return round(sum(self.seconds.values()), 3)


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(analysis: Analysis[Any]) -> TypeAdapter[Any]:
    """The (compiled, reused) pydantic adapter of an analysis' result type."""
    if analysis.key not in _ADAPTERS:
        _ADAPTERS[analysis.key] = TypeAdapter(analysis.result)
    return _ADAPTERS[analysis.key]


def result_json(analysis: Analysis[Any], value: Any) -> bytes:
    """A result as the run record writes it: by orjson, which writes the result types
    (dataclasses, tuples, text keys, NaN as null) as their pydantic adapter does, faster on
    the large ones (bridge ties at 1M relationships 0.08 against 0.15 s, holding the GIL), or
    by the adapter where orjson refuses the value (a set, a key that is not text, a number
    subclass).

    >>> from graph.analytics.registry import DUPLICATES
    >>> from graph.analytics.results import DuplicatesResult
    >>> result_json(DUPLICATES, DuplicatesResult(()))
    b'{"clusters":[],"co_located":[]}'
    """
    try:
        return orjson.dumps(value)
    except TypeError:
        return _adapter(analysis).dump_json(value)


_PARAMS: TypeAdapter[AnalysisParams] = TypeAdapter(AnalysisParams)
_POPULATION: TypeAdapter[Population] = TypeAdapter(Population)
_NOTICES: TypeAdapter[tuple[Notice, ...]] = TypeAdapter(tuple[Notice, ...])


def run_file_name(run: RunRecord) -> str:
    """The name `save_run` gives the record of `run` (the ``AnalysisRun`` node's source).

    >>> run_file_name(RunRecord("20260101T000000Z", "2026-01-01T00:00:00+00:00", AnalysisParams(),
    ...                         GraphCounts(0, 0)))
    'analysis-20260101T000000Z.json.gz'
    """
    return f"analysis-{run.id}.json.gz"


class RunRecordWriter:
    """A run record written as its results come: `add` some, then `finish` with the whole run.

    ``transfernet analyze`` adds the results stored on the actors (nine tenths of the record
    at 1M relationships) in a thread while the last analyses run, and finishes once the suite
    ends (`api.jobs.analyse`); `save_run` does both at once.  The file holds the results
    first, then the rest of the record (one JSON object: `load_run` reads it whole).  Each
    result is serialised by its type's pydantic adapter (compiled; NaN and infinity become
    null) and the record is compressed at gzip level 1: a fraction of the time of level 6 for
    a file about 15 % larger.  Until `finish` the record is a temporary file that readers
    never see; `abort` removes it.

    Parameters
    ----------
    runs_dir : str or Path
        The folder of run records.
    run : RunRecord
        The run (its id names the file; a record of the run so far will do).

    Examples
    --------
    >>> import tempfile
    >>> from graph.analytics.results import DuplicatesResult
    >>> run = RunRecord("r1", "2026-01-01T00:00:00+00:00", AnalysisParams(), GraphCounts(3, 2),
    ...                 results={"duplicates": DuplicatesResult(())})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     writer = RunRecordWriter(folder, run)
    ...     writer.add("duplicates", run.results["duplicates"])
    ...     path = writer.finish(run)
    ...     load_run(path).results == run.results, path.name
    (True, 'analysis-r1.json.gz')
    """

    def __init__(self, runs_dir: str | Path, run: RunRecord) -> None:
        folder = Path(runs_dir)
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / run_file_name(run)
        self._tmp = self.path.with_suffix(".tmp")
        self._known = {a.key: a for a in REGISTRY}
        self._written: set[str] = set()
        #: CPU seconds spent serialising results, the part of the writing that holds the GIL
        self.serialising = 0.0
        # open across `add` and `finish`, closed by `finish` or `abort`
        self._handle: gzip.GzipFile | None = gzip.open(self._tmp, "wb", compresslevel=1)  # noqa: SIM115
        self._handle.write(b'{"results": {')

    @paused_gc()  # millions of acyclic objects: see graph.gcpause
    def add(self, key: str, value: Any) -> None:
        """Write the result of the analysis `key` (one result in memory as JSON at a time)."""
        if key not in self._known:
            raise RunRecordError(f"{key!r} is not an analysis of the registry")
        handle = self._open()
        if key in self._written:
            raise RunRecordError(f"the record already holds {key!r}")
        try:
            handle.write((b", " if self._written else b"") + json.dumps(key).encode() + b": ")
            cpu = time.thread_time()
            data = result_json(self._known[key], value)
            self.serialising += time.thread_time() - cpu
            handle.write(data)  # compressed and written with the GIL released
        except BaseException:
            self.abort()
            raise
        self._written.add(key)

    def finish(self, run: RunRecord) -> Path:
        """Write the results of `run` not added yet and the rest of the record; return its path."""
        for key in run.results:
            if key not in self._known:
                self.abort()
                raise RunRecordError(f"run {run.id}: {key!r} is not an analysis of the registry")
        for key, value in run.results.items():
            if key not in self._written:
                self.add(key, value)
        head = {
            "version": run.version,
            "id": run.id,
            "started": run.started,
            "ended": run.ended,
            "params": run.params.model_dump(mode="json"),
            "graph": {
                "nodes": run.graph.nodes,
                "relationships": run.graph.relationships,
                "actors": run.graph.actors,
                "actor_ties": run.graph.actor_ties,
            },
            "seconds": run.seconds,
            "population": None
            if run.population is None
            else _POPULATION.dump_python(run.population, mode="json"),
            "warnings": list(run.warnings),
            "notices": _NOTICES.dump_python(run.notices, mode="json"),
        }
        handle = self._open()
        try:
            handle.write(b"}, " + json.dumps(head, ensure_ascii=False).encode("utf-8")[1:])
            handle.close()
        except BaseException:
            self.abort()
            raise
        self._handle = None
        self._tmp.replace(self.path)  # readers never see a half-written run
        return self.path

    @property
    def writing(self) -> bool:
        """Whether results can still be added (neither finished nor aborted)."""
        return self._handle is not None

    def abort(self) -> None:
        """Remove the unfinished record (nothing is left of it)."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        self._tmp.unlink(missing_ok=True)

    def _open(self) -> gzip.GzipFile:
        if self._handle is None:
            raise RunRecordError(f"the record {self.path.name} is finished or aborted")
        return self._handle


def save_run(run: RunRecord, runs_dir: str | Path) -> Path:
    """Write the run as ``runs_dir/analysis-<id>.json.gz`` (`RunRecordWriter`) and return its path."""
    return RunRecordWriter(runs_dir, run).finish(run)


@paused_gc()
def load_run(path: str | Path) -> RunRecord:
    """Read a saved run, every result validated into its registry type."""
    try:
        with gzip.open(path, "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, EOFError, ValueError) as exc:
        raise RunRecordError(f"{path}: not a readable run record ({exc})") from exc
    version = data.get("version", 1) if isinstance(data, dict) else None
    if version != RUN_FORMAT:
        raise RunRecordError(
            f"{path}: run-record format {version}, this version reads {RUN_FORMAT}; "
            "run `transfernet analyze` again"
        )
    known = {a.key: a for a in REGISTRY}
    try:
        results = {
            key: _adapter(known[key]).validate_python(value)
            for key, value in data["results"].items()
            if key in known
        }
        return RunRecord(
            id=data["id"],
            started=data["started"],
            params=_PARAMS.validate_python(data["params"]),
            graph=GraphCounts(**data["graph"]),
            seconds=dict(data.get("seconds", {})),
            results=results,
            ended=data.get("ended"),
            population=None
            if data.get("population") is None
            else _POPULATION.validate_python(data["population"]),
            warnings=tuple(data.get("warnings", ())),
            notices=_NOTICES.validate_python(data.get("notices", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RunRecordError(f"{path}: damaged run record ({exc})") from exc


def _run_files(runs_dir: str | Path) -> list[Path]:
    return sorted(Path(runs_dir).glob("analysis-*.json.gz"))


def latest_run(runs_dir: str | Path) -> RunRecord | None:
    """The most recent saved run, or None."""
    runs = _run_files(runs_dir)
    return load_run(runs[-1]) if runs else None


# --- the last load's report --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A problem of a load: where (file, row, column) and why."""

    file: str | None
    row: int | None
    column: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What one mapping's load did."""

    mapping: str
    files: tuple[str, ...]
    rows: int
    nodes: int
    relationships: int
    loaded: bool
    shacl: str
    seconds: float
    rows_per_second: float
    skipped_rows: int = 0
    phases: dict[str, float] = field(default_factory=dict)
    errors: tuple[LoadProblem, ...] = ()
    #: nodes (per node type) and relationships created, updated and unchanged (`nodes` and
    #: `relationships` count the mapped records, duplicates included)
    changes: Changes = field(default_factory=Changes)


@dataclass(frozen=True, slots=True)
class LoadRecord:
    """The last load: one summary per mapping."""

    mappings: tuple[LoadSummary, ...]

    @property
    def problems(self) -> int:
        """Problems over all mappings."""
        return sum(len(m.errors) for m in self.mappings)


_LOADS: TypeAdapter[list[LoadSummary]] = TypeAdapter(list[LoadSummary])


def write_load_record(summaries: Sequence[LoadSummary], path: str | Path) -> Path:
    """Write the last load's report (every problem included) as JSON."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_LOADS.dump_json(list(summaries), indent=1))
    return target


def read_load_record(path: str | Path) -> LoadRecord | None:
    """The load report at `path`, or None when there is none (or it cannot be read)."""
    target = Path(path)
    if not target.is_file():
        return None
    try:
        return LoadRecord(tuple(_LOADS.validate_json(target.read_bytes())))
    except ValueError:
        return None


# --- the records of one data directory, cached -------------------------------------------


class RunRecords:
    """The run records of one ``runs/`` folder, each read once until its file changes.

    Parameters
    ----------
    runs_dir : path
        The data directory's ``runs/`` folder.
    """

    def __init__(self, runs_dir: str | Path) -> None:
        self.runs_dir = Path(runs_dir)
        self._lock = threading.Lock()
        self._run: tuple[Path, float, RunRecord] | None = None
        self._load: tuple[float, LoadRecord | None] | None = None

    def latest(self) -> RunRecord | None:
        """The most recent run (read again only when a newer or rewritten file appears)."""
        runs = _run_files(self.runs_dir)
        if not runs:
            return None
        path = runs[-1]
        mtime = path.stat().st_mtime
        with self._lock:
            if self._run is None or self._run[0] != path or self._run[1] != mtime:
                self._run = (path, mtime, load_run(path))
            return self._run[2]

    def last_load(self) -> LoadRecord | None:
        """The last load's report, or None."""
        path = self.runs_dir / LAST_LOAD
        mtime = path.stat().st_mtime if path.is_file() else -1.0
        with self._lock:
            if self._load is None or self._load[0] != mtime:
                self._load = (mtime, read_load_record(path))
            return self._load[1]
