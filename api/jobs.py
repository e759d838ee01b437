"""The main job's steps as plain functions: load the bundle, analyse, write the report.

``transfernet demo``, ``analyze`` and ``report`` call them and only print what they
return; the API can call them too.  Each step takes the settings and an open store (or
the projection it already has), and returns a typed outcome.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from api.settings import Settings
from api.timings import Timings
from graph.analytics.params import AnalysisParams
from graph.analytics.runs import (
    LAST_LOAD,
    LoadSummary,
    RunRecord,
    RunRecordWriter,
    read_load_record,
    run_file_name,
)
from graph.analytics.writeback import WriteBackReport
from graph.gcpause import paused_gc
from graph.store import GraphStore
from ontology.schema import GraphSchema

if TYPE_CHECKING:  # annotations only: `analyze` does not import the loaders (SHACL and all, 0.45 s)
    from loaders.generate import GeneratedNetwork
    from loaders.ingest import LoadReport

__all__ = ["Analysed", "BundleLoad", "analyse", "load_demo_data", "save_load_record", "write_reports"]


@dataclass(frozen=True, slots=True)
class BundleLoad:
    """What `load_demo_data` loaded: a report per mapping, and the synthetic sample if added."""

    reports: tuple[LoadReport, ...]
    sample: GeneratedNetwork | None

    @property
    def loaded(self) -> bool:
        """Whether every mapping was loaded."""
        return all(r.loaded for r in self.reports)


def load_demo_data(
    settings: Settings,
    store: GraphStore,
    *,
    sample: bool = True,
    on_mapping: Callable[[str], None] | None = None,
) -> BundleLoad:
    """Load the bundled real dataset, then (unless `sample` is False, or a mapping was refused)
    the labelled synthetic sample, as a separate load."""
    from loaders.bundle import load_bundle
    from loaders.ingest import Shacl
    from loaders.sample import demo_sample

    store.install_schema()
    work = settings.data_dir / "generated"
    reports = load_bundle(
        store, work, on_mapping=lambda e: on_mapping(f"loading {e.mapping.name}") if on_mapping else None
    )
    net = None
    if sample and all(r.loaded for r in reports):
        if on_mapping is not None:
            on_mapping("synthetic demo sample")
        net = demo_sample(store, work / "sample", seed=0)
        reports += load_bundle(
            store,
            work,
            root=net.directory,
            shacl=Shacl.COMPILED,
            on_mapping=lambda e: on_mapping(f"loading sample {e.mapping.name}") if on_mapping else None,
        )
    return BundleLoad(tuple(reports), net)


def save_load_record(settings: Settings, reports: tuple[LoadReport, ...] | list[LoadReport]) -> Path:
    """Write the load's reports as the data directory's last-load record."""
    from graph.analytics.runs import write_load_record

    summaries: list[LoadSummary] = [r.summary() for r in reports]
    return write_load_record(summaries, settings.runs_dir / LAST_LOAD)


@dataclass(frozen=True, slots=True)
class Analysed:
    """A run of the suite: the record, where it was saved, the projection, the write-back."""

    run: RunRecord
    path: Path
    graph: nx.MultiDiGraph
    stored: WriteBackReport | None


def analyse(
    settings: Settings,
    store: GraphStore,
    params: AnalysisParams,
    *,
    write_back: bool = True,
    edge_properties: bool = False,
    on_step: Callable[[str], None] | None = None,
    timings: Timings | None = None,
) -> Analysed:
    """Project the store, run the suite, save the run record and (unless `write_back` is
    False) store the per-actor results in the graph; with `timings`, the end of each phase is
    marked in it (`api.timings`).

    The projection carries relationship properties only with `edge_properties` (the report
    reads their sources; no analysis needs them, and they double the projection time on a
    large graph): otherwise the relationships' lifecycle stages, which the population reads
    (a proposed partnership is left out), come from one query of their own.
    """
    from graph.analytics.suite import Checkpoint, run_suite
    from graph.analytics.writeback import RESULT_PROPERTIES, SCORED_BY, write_marker, write_scores
    from graph.claims import relationship_stages

    if on_step is not None:
        on_step("projecting the graph")
    started = time.perf_counter()
    # the previous run's results are not read: this run's replace them (the record has them)
    graph = store.to_networkx(properties=edge_properties, omit_node_properties=RESULT_PROPERTIES)
    assert isinstance(graph, nx.MultiDiGraph)  # directed by default
    claims = None if edge_properties else relationship_stages(store)
    projection_s = time.perf_counter() - started
    mark = timings.mark if timings is not None else lambda phase: None
    mark("projection")
    # The projection lives as long as the run: frozen, it is left out of the collection that
    # frees the suite's networks when the suite ends (1.38 s walking it too at 400k
    # relationships, 0.27 s without it).
    gc.freeze()
    try:
        # Once the four analyses whose results are stored on the actors are done, while the
        # others run: the actors' scores are written in a thread (the write waits on the store
        # server, a process of its own: 3.9-5.0 s at 55,063 actors, of which 1.0 s in this
        # process), and those results, nine tenths of the run record, are written to it in
        # another (compressing them releases the GIL).  The record is finished once the suite
        # ends, and the graph's run node, the commit marker, which names the record, is written
        # once both are done; a suite that fails after the scores were written leaves an
        # incomplete run, as a failed write does (`graph.analytics.writeback`), and no record.
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="analyse-io") as pool:
            early: list[tuple[str, Future[tuple[Any, float]]]] = []
            record: RunRecordWriter | None = None

            def beside_the_steps(so_far: RunRecord) -> None:
                nonlocal record
                if write_back:
                    early.append(("write-back", pool.submit(_timed, write_scores, store, so_far)))
                record = RunRecordWriter(settings.runs_dir, so_far)
                adding = partial(_add_results, record, so_far)
                early.append(("run record", pool.submit(_timed, adding)))

            checkpoint = Checkpoint(SCORED_BY, beside_the_steps)
            try:
                # the collector stays paused until what the suite leaves (its results, the
                # networks it built) is frozen too: the first collection after the suite would
                # walk all of it (0.8 s at 1M relationships)
                with paused_gc():
                    run = run_suite(graph, params, on_step=on_step, claims=claims, checkpoint=checkpoint)
                    gc.freeze()
            except BaseException:
                for _name, work in early:  # let the writes end before the store closes
                    with contextlib.suppress(Exception):
                        work.result()
                if record is not None:
                    record.abort()
                raise
            run.seconds = {"projection": round(projection_s, 3), **run.seconds}
            mark("suite")
            stored: WriteBackReport | None = None
            if on_step is not None and write_back:
                on_step("storing results in the graph")
            failed: BaseException | None = None
            for name, work in early:
                try:
                    value, cpu = work.result()
                except Exception as exc:  # the record is saved all the same (the run is sound)
                    failed = failed or exc
                    continue
                if name == "write-back":
                    stored = value
                if timings is not None:
                    timings.note(f"{name} beside the steps", value.seconds)
                    timings.note(f"{name} beside the steps, CPU of its thread", cpu)
                    if isinstance(value, _Wrote):
                        timings.note(f"{name} beside the steps, CPU holding the GIL", value.serialising)
                mark("write-back" if name == "write-back" else "saving the run record")
            if record is None or not record.writing:  # the early part failed: all again
                record = RunRecordWriter(settings.runs_dir, run)
            path = record.finish(run)
            mark("saving the run record")
            if failed is not None:
                raise failed
            if stored is not None:
                write_marker(store, run, source=run_file_name(run))
                mark("write-back: run node")
    finally:
        gc.unfreeze()  # the caller's collections see everything again
    return Analysed(run, path, graph, stored)


def _timed[T](work: Callable[..., T], *args: object) -> tuple[T, float]:
    """`work` called with `args`, and the CPU seconds of this thread meanwhile."""
    cpu = time.thread_time()
    return work(*args), time.thread_time() - cpu


def _add_results(record: RunRecordWriter, so_far: RunRecord) -> _Wrote:
    """Add every result of `so_far` to `record`; how long it took."""
    t0 = time.perf_counter()
    for key, value in so_far.results.items():
        record.add(key, value)
    return _Wrote(time.perf_counter() - t0, record.serialising)


@dataclass(frozen=True, slots=True)
class _Wrote:
    seconds: float
    serialising: float  # CPU seconds holding the GIL (the rest is compressing and writing)


def write_reports(
    settings: Settings,
    run: RunRecord,
    graph: nx.MultiDiGraph,
    schema: GraphSchema,
    *,
    out: Path | None = None,
    formats: tuple[str, ...] = ("html", "md"),
    lang: str = "en",
    country: str | None = None,
    shacl: bool = False,
) -> list[Path]:
    """Build the report (`viz.report.build`) with the last load's record and write its files."""
    from viz.report import build, write_report

    load = read_load_record(settings.runs_dir / LAST_LOAD)
    report = build(graph, run, schema=schema, load=load, lang=lang, country=country, shacl=shacl)
    return write_report(report, out or settings.reports_dir, formats)
