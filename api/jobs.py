"""The main job's steps as plain functions: load the bundle, analyse, write the report.

``transfernet demo``, ``analyze`` and ``report`` call them and only print what they
return; the API can call them too.  Each step takes the settings and an open store (or
the projection it already has), and returns a typed outcome.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from api.settings import Settings
from api.timings import Timings
from graph.analytics.params import AnalysisParams
from graph.analytics.runs import (
    LAST_LOAD,
    LoadSummary,
    RunRecord,
    read_load_record,
    run_file_name,
    save_run,
)
from graph.analytics.writeback import WriteBackReport
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
    from graph.analytics.suite import run_suite
    from graph.analytics.writeback import write_back as store_results
    from graph.claims import relationship_stages

    if on_step is not None:
        on_step("projecting the graph")
    started = time.perf_counter()
    graph = store.to_networkx(properties=edge_properties)
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
        run = run_suite(graph, params, on_step=on_step, claims=claims)
        run.seconds = {"projection": round(projection_s, 3), **run.seconds}
        mark("suite")
        stored = None
        # the record is saved in a thread while the results are written (the write waits on
        # the server; compressing the record releases the GIL); the graph's run node, which
        # names the record, is written once it is on disk
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="save-run") as pool:
            saving = pool.submit(save_run, run, settings.runs_dir)
            if write_back:
                if on_step is not None:
                    on_step("storing results in the graph")
                stored = store_results(store, run, source=run_file_name(run), before_marker=saving.result)
                mark("write-back")
            path = saving.result()
        mark("saving the run record")
    finally:
        gc.unfreeze()  # the caller's collections see everything again
    return Analysed(run, path, graph, stored)


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
