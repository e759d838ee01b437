"""The ``transfernet`` command line (typer + rich).

Every command opens the configured store itself; nothing runs at import time.
Errors are reported on one line with a non-zero exit code (``--debug`` shows the
traceback).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import gc
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from api.settings import Settings
from api.timings import Timings
from viz.i18n import LANGS, N_, _, current, ngettext, num, run_notices, use

__all__ = ["app", "main"]

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # one error, one line, whatever the width

app = typer.Typer(
    name="transfernet",
    help="Knowledge graph of the international technology-transfer network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class CliError(Exception):
    """An error reported to the user on one line."""


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Where the embedded store, reports and runs live."),
    ] = None,
    backend: Annotated[
        str | None, typer.Option("--backend", help="Store backend: falkordb (default) or neo4j.")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the summaries printed: en or zh (default: TRANSFERNET_LANG, else the "
            "locale of LC_ALL / LC_MESSAGES / LANG).",
        ),
    ] = None,
) -> None:
    """Knowledge graph of the international technology-transfer network."""
    chosen = lang or cli_language(os.environ)
    if chosen not in LANGS:
        raise CliError(f"--lang must be one of: {', '.join(LANGS)}")
    _LANG[0] = chosen  # `main` prints the errors after the command's context is gone
    ctx.with_resource(use(chosen))
    # Overrides travel as environment variables so that API worker processes see them too.
    if data_dir is not None:
        os.environ["TRANSFERNET_DATA_DIR"] = str(data_dir.resolve())
    if backend is not None:
        os.environ["TRANSFERNET_BACKEND"] = backend
    if debug:
        os.environ["TRANSFERNET_DEBUG"] = "1"


#: the language the command chose (`_root`), for the errors `main` prints
_LANG = ["en"]

#: What a command leaves to the operating system: freeing a run's projection and results
#: object by object, when the command returns, took 0.5-1.4 s at 400k relationships.  The
#: list holds itself, so the interpreter's teardown, which clears the modules, does not free
#: it either; `main`'s exit freezes the collector, so no collection walks it.
_LEFT_TO_THE_OS: list[Any] = []
_LEFT_TO_THE_OS.append(_LEFT_TO_THE_OS)


def cli_language(env: Mapping[str, str]) -> str:
    """The language of the CLI's summaries from the environment: ``TRANSFERNET_LANG``, else the
    first locale variable set (``LC_ALL``, ``LC_MESSAGES``, ``LANG``); Chinese for ``zh*``.

    Examples
    --------
    >>> cli_language({"LANG": "zh_CN.UTF-8"}), cli_language({"LANG": "C.UTF-8"}), cli_language({})
    ('zh', 'en', 'en')
    >>> cli_language({"TRANSFERNET_LANG": "en", "LC_ALL": "zh_CN.UTF-8"})
    'en'
    """
    if env.get("TRANSFERNET_LANG"):
        return env["TRANSFERNET_LANG"]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(name):
            return "zh" if env[name].lower().startswith("zh") else "en"
    return "en"


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: report it on one line
        raise CliError(_("invalid configuration: {text}").format(text=str(exc).replace("\n", " "))) from exc


@contextmanager
def _open_store(settings: Settings | None = None) -> Iterator[Any]:
    from graph.backends import open_store
    from ontology.schema_cache import cached_schema

    store = open_store(settings or _settings(), cached_schema())
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _opening_store(settings: Settings) -> Iterator[Callable[[], Any]]:
    """Open the store in a thread while the caller goes on; yield a function that waits for
    it and returns the open store, which is closed on the way out.

    The embedded server of a large graph takes seconds to load its files (in its own
    process), about as long as ``analyze`` takes to import the analytics stack: the two
    overlap.  An open that fails raises when the store is asked for.
    """
    from graph.backends import create_store
    from ontology.schema_cache import cached_schema

    store = create_store(settings, cached_schema())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-open") as pool:
        opened = pool.submit(store.open)

        def wait() -> Any:
            opened.result()
            return store

        try:
            yield wait
        finally:
            with contextlib.suppress(Exception):  # raised to the caller, if it asked
                opened.result()  # an open still under way holds the server lock: let it end
            store.close()


def _print_stats(store: Any) -> None:
    stats = store.stats()
    table = Table(
        title=_("{nodes} nodes, {relationships} relationships").format(
            nodes=num(stats.nodes), relationships=num(stats.relationships)
        )
    )
    table.add_column(_("label / type"))
    table.add_column(_("count"), justify="right")
    for name, count in sorted(stats.nodes_by_label.items()):
        table.add_row(name, str(count))
    for name, count in sorted(stats.relationships_by_type.items()):
        table.add_row(f"[{name}]", str(count))
    console.print(table)


@app.command()
def init() -> None:
    """Create the store (starting the embedded server if needed) and install constraints and indexes."""
    settings = _settings()
    with _open_store(settings) as store:
        store.install_schema()
        console.print(
            _("store ready ({backend}) in {folder}").format(
                backend=store.capabilities.name, folder=settings.data_dir
            )
        )
        _print_stats(store)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int | None, typer.Option(help="Number of worker processes.")] = None,
) -> None:
    """Serve the API and the explorer on an existing store (Ctrl-C stops)."""
    settings = _settings()
    _serve(settings, host or settings.host, port if port is not None else settings.port, workers)


def _serve(settings: Settings, host: str, port: int, workers: int | None) -> None:
    import uvicorn

    base = f"http://{host}:{port}"
    console.print(_("explorer  {url}").format(url=f"{base}/explore"))
    console.print(_("API       {url}").format(url=f"{base}/api/v1/docs"))
    console.print(_("health    {url}").format(url=f"{base}/api/v1/health/ready"))
    console.print(_("Ctrl-C stops the server."))
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level="info",
        access_log=False,
        # Projecting a big graph (a million relationships) keeps a worker busy for tens of
        # seconds with long GIL holds; the default 5 s would have the supervisor kill it.
        timeout_worker_healthcheck=120,
    )


def _parse_param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise CliError(_("parameter {text} is not NAME=VALUE").format(text=repr(text)))
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, value


@app.command()
def query(
    cypher: Annotated[str, typer.Argument(help="A read-only Cypher query (use $name for parameters).")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE (VALUE parsed as JSON if it can be)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON lines.")] = False,
) -> None:
    """Run a read-only Cypher query (parameters only; the database refuses writes)."""
    settings = _settings()
    params = dict(_parse_param(p) for p in param or [])
    with _open_store(settings) as store:
        rows = store.query(
            cypher,
            params,
            read_only=True,
            timeout_ms=settings.query_timeout_ms,
            row_cap=settings.row_cap,
        )
    if as_json:
        _print_json_lines(rows)
        return
    table = Table(title=ngettext("{n} row", "{n} rows", len(rows)).format(n=num(len(rows))))
    for column in rows[0] if rows else []:
        table.add_column(str(column), no_wrap=True, overflow="ellipsis")  # whole values: --json
    for row in rows:
        table.add_row(*(json.dumps(v, ensure_ascii=False, default=str) for v in row.values()))
    console.print(table)


def _print_json_lines(rows: Iterable[Mapping[str, Any]]) -> None:
    """One JSON object per line on stdout (JSON Lines: no indentation, no colour, no wrapping)."""
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )


def _print_resolution(report: Any) -> None:
    """What a mapping's ``resolve`` blocks linked, and the rows listed for review (the first 20)."""
    res = report.resolution
    if not res.looked_up:
        return
    console.print(
        f"  resolved {res.looked_up} institutions: {len(res.linked)} linked to stored ones, "
        f"{len(res.review)} listed for review (not merged)",
        markup=False,
        highlight=False,
    )
    for row in res.linked[:20]:
        console.print(
            f"    linked {row.file}:{row.row} {row.row_name!r} -> {row.linked_to} {row.linked_name!r} "
            f"({row.rule} {row.score:.2f})",
            markup=False,
            highlight=False,
        )
    for item in res.review[:20]:
        best = ", ".join(f"{c.key} {c.name!r} {c.rule} {c.score:.2f}" for c in item.candidates[:3])
        console.print(
            f"    review {item.file}:{item.row} {item.row_name!r}: {best}", markup=False, highlight=False
        )


def _print_load_reports(reports: list[Any], report_file: Path) -> bool:
    """Print a summary line per mapping and the first 50 errors; return True if all loaded."""
    shown = 0
    ok = True
    for report in reports:
        state = _("loaded") if report.loaded else _("REFUSED")
        c = report.changes
        written = (
            _(
                "created / updated / unchanged: nodes {nc} / {nu} / {nn}, relationships {rc} / {ru} / {rn}"
            ).format(
                nc=num(c.nodes_created), nu=num(c.nodes_updated), nn=num(c.nodes_unchanged),
                rc=num(c.relationships_created), ru=num(c.relationships_updated),
                rn=num(c.relationships_unchanged),
            )
            if report.loaded
            else _("{nodes} node and {relationships} relationship records, nothing written").format(
                nodes=num(report.nodes), relationships=num(report.relationships)
            )
        )  # fmt: skip
        console.print(
            _(
                "{state} {mapping}: {rows} rows; {written}; {errors} errors ({rate} rows/s; SHACL {shacl})"
            ).format(
                state=f"{state:8}", mapping=Path(report.mapping).name, rows=num(report.rows), written=written,
                errors=num(len(report.errors)), rate=num(round(report.rows_per_second)), shacl=report.shacl,
            ),
            markup=False,
            highlight=False,
        )  # fmt: skip
        ok = ok and report.loaded
        _print_resolution(report)
        for error in report.errors:
            if shown < 50:
                err_console.print(f"  {error}", markup=False, highlight=False)
            shown += 1
    total = sum(len(r.errors) for r in reports)
    if total:
        message = ngettext(
            "{n} problem; all of them are in {file}", "{n} problems; all of them are in {file}", total
        )
        if total > 50:
            message = _("{n} problems (first 50 shown); all of them are in {file}")
        err_console.print(message.format(n=num(total), file=report_file), markup=False)
    return ok


def _run_loads(
    settings: Settings, jobs: list[tuple[Path, Path | None, Path | None]], skip_invalid: bool, shacl: str
) -> None:
    from api.jobs import save_load_record
    from loaders.ingest import LoadJob, Shacl, ingest_many

    try:
        mode = Shacl(shacl)
    except ValueError:
        raise CliError(
            _("--shacl must be one of: {values}").format(values=", ".join(m.value for m in Shacl))
        ) from None

    reports = []
    with _open_store(settings) as store, _progress() as progress:
        store.install_schema()
        tasks: dict[Path, tuple[Any, float]] = {}  # a task per mapping, added when its reading starts

        def tick(job: LoadJob, rows: int) -> None:
            if job.mapping not in tasks:
                task = progress.add_task(job.mapping.name, total=None, rate="")
                tasks[job.mapping] = (task, time.perf_counter())
            task, started = tasks[job.mapping]
            rate = rows / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

        loads = ingest_many(
            store,
            [LoadJob(*job) for job in jobs],
            skip_invalid=skip_invalid,
            shacl=mode,
            progress=tick,
        )
        for report in loads:
            if Path(report.mapping) in tasks:
                task = tasks[Path(report.mapping)][0]
                rate = f"{report.rows_per_second:,.0f} rows/s"  # read, map, check and write
                progress.update(task, total=report.rows, completed=report.rows, rate=rate)
            reports.append(report)
    report_file = save_load_record(settings, reports)
    if not _print_load_reports(reports, report_file):
        raise typer.Exit(1)


@app.command()
def load(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Mapping YAML files, or data files to read through --mapping."),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping that reads each SOURCE data file.")
    ] = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", help="Load a bundle folder (bundle.yaml + mappings), e.g. from generate."),
    ] = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Load the valid rows of files that have bad rows.")
    ] = False,
    shacl: Annotated[
        str,
        typer.Option(
            "--shacl",
            help="compiled: every SHACL constraint, compiled from the shapes (fast); "
            "full: pyshacl as well (the reference, about 1k records/s).",
        ),
    ] = "compiled",
) -> None:
    """Load files into the graph through declarative mappings.

    Every record is checked before anything is written; a file with bad rows is refused
    whole (every bad row reported: file, row, column, reason) unless --skip-invalid.
    Loads are idempotent and atomic per mapping.
    """
    settings = _settings()
    jobs: list[tuple[Path, Path | None, Path | None]] = []
    if bundle is not None:
        from loaders.bundle import bundle_entries
        from loaders.iso3166 import write_countries_csv

        if not (bundle / "bundle.yaml").is_file():
            raise CliError(_("{folder}: no bundle.yaml in this folder").format(folder=bundle))
        work = settings.data_dir / "generated"
        write_countries_csv(work / "iso3166.csv")
        jobs += [(e.mapping, e.data_dir, bundle.resolve().parent) for e in bundle_entries(bundle, work)]
    for source in sources or []:
        if not source.is_file():
            raise CliError(_("{file}: no such file").format(file=source))
        if mapping is None:
            jobs.append((source, None, None))
        else:
            if not mapping.is_file():
                raise CliError(_("{file}: no such file").format(file=mapping))
            jobs.append((_mapping_for(mapping, source, settings), source.parent, source.parent))
    if not jobs:
        raise CliError(_("nothing to load: give mapping files, data files with --mapping, or --bundle"))
    _run_loads(settings, jobs, skip_invalid, shacl)


def _mapping_for(mapping: Path, source: Path, settings: Settings) -> Path:
    """A copy of `mapping` whose source is `source` (so one mapping reads many files)."""
    import yaml

    spec = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or not isinstance(spec.get("source"), dict):
        raise CliError(_("{file}: not a mapping (no source section)").format(file=mapping))
    spec["source"]["path"] = source.name
    target = settings.data_dir / "generated" / "mappings" / f"{mapping.stem}--{source.stem}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Turtle/JSON-LD files, or data files with --mapping.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping that reads CSV/JSON/YAML/Excel files.")
    ] = None,
) -> None:
    """Check files against the ontology's SHACL shapes and print every violation with its location."""
    from loaders import apply_mapping
    from ontology.schema_cache import cached_schema
    from ontology.validation import validate as run_validation

    settings = _settings()
    problems = 0
    for file in files:
        if not file.is_file():
            raise CliError(_("{file}: no such file").format(file=file))
        if file.suffix.lower() in {".ttl", ".jsonld", ".json-ld", ".nt", ".rdf"} and mapping is None:
            report = run_validation(file)
            messages = [str(v) for v in report.violations]
        else:
            if mapping is None:
                raise CliError(
                    _("{file}: tabular files need --mapping to say what the columns mean").format(file=file)
                )
            if not mapping.is_file():
                raise CliError(_("{file}: no such file").format(file=mapping))
            batch = apply_mapping(
                _mapping_for(mapping, file, settings), cached_schema(), data_dir=file.parent,
                provenance_root=file.parent,
            )  # fmt: skip
            messages = [str(e) for e in batch.errors]
            report = run_validation([*batch.nodes, *batch.relationships])
            messages += [str(v) for v in report.violations]
        for message in messages:
            console.print(message, markup=False, highlight=False)
        console.print(f"{file}: {len(messages)} problem(s)", markup=False)
        problems += len(messages)
    if problems:
        raise typer.Exit(1)


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the synthetic network into.")],
    nodes: Annotated[int, typer.Option(help="Number of nodes.")] = 100_000,
    edges: Annotated[int, typer.Option(help="Number of relationships.")] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed (the same seed gives the same files).")] = 0,
) -> None:
    """Write a synthetic, clearly marked network (CSV + mappings) for scale tests.

    Load it with `transfernet load --bundle OUT` after the bundled reference data.
    """
    from loaders.bundle import bundle_dir
    from loaders.generate import generate as run_generate

    try:
        reference = bundle_dir() / "reference"
    except Exception:
        reference = None
    net = run_generate(out, nodes=nodes, edges=edges, seed=seed, reference=reference)
    console.print(
        _("wrote {nodes} nodes and {relationships} relationships to {folder}").format(
            nodes=num(net.nodes), relationships=num(net.relationships), folder=net.directory
        )
    )


def _analyze(
    settings: Settings,
    partition: str,
    seed: int,
    max_group: int | None = None,
    write_back: bool = True,
    edge_properties: bool = False,
    *,
    synthetic: bool = False,
    scenario: str = "established",
    betweenness_exact_threshold: int | None = None,
    timings: Timings | None = None,
) -> Any:
    """Run the analysis step (`api.jobs.analyse`) with a progress bar and print what it found.

    The store opens while the analytics stack is imported (`_opening_store`).  With
    `timings`, the end of each phase is marked in it (`api.timings`).
    """
    with _opening_store(settings) as opened:
        done = _analyze_in(
            opened, settings, partition, seed, max_group, write_back, edge_properties,
            synthetic=synthetic, scenario=scenario,
            betweenness_exact_threshold=betweenness_exact_threshold, timings=timings,
        )  # fmt: skip
    if timings is not None:
        timings.mark("store close")
    from graph.gcpause import paused_gc

    with paused_gc():  # the projection is still alive: a collection would walk it (5 s at 400k ties)
        _print_run(done.run, done.path, done.stored, done.graph)
    if timings is not None:
        timings.mark("printing")
    return done


def _analyze_in(
    opened: Callable[[], Any],
    settings: Settings,
    partition: str,
    seed: int,
    max_group: int | None,
    write_back: bool,
    edge_properties: bool,
    *,
    synthetic: bool,
    scenario: str,
    betweenness_exact_threshold: int | None,
    timings: Timings | None,
) -> Any:
    """`_analyze` on the store `opened` returns, once the analytics stack is imported."""
    from api.jobs import analyse
    from graph.analytics.actors import PARTITIONS
    from graph.analytics.params import AnalysisParams

    if timings is not None:
        timings.mark("start-up: analysis imports")
    if partition not in PARTITIONS:
        raise CliError(
            _("unknown partition {name}; use one of {values}").format(
                name=repr(partition), values=", ".join(PARTITIONS)
            )
        )
    given = {
        "partition": partition,
        "seed": seed,
        "synthetic": synthetic,
        "scenario": scenario,
        "max_group": max_group,
        "betweenness_exact_threshold": betweenness_exact_threshold,
    }
    try:  # every option checked against the parameters' bounds (model_copy would not)
        params = AnalysisParams.model_validate({k: v for k, v in given.items() if v is not None})
    except ValueError as exc:
        raise CliError(
            _("invalid analysis option: {text}").format(text=str(exc).replace("\n", " "))
        ) from None
    store = opened()
    if timings is not None:
        timings.mark("store open")
    with _progress() as progress:
        task = progress.add_task("projecting the graph", total=None, rate="")
        done = analyse(
            settings,
            store,
            params,
            write_back=write_back,
            edge_properties=edge_properties,
            on_step=lambda name: progress.update(task, description=name),
            timings=timings,
        )
        progress.update(task, description="analyses done", total=1, completed=1)
    return done


def _node_name(graph: Any, node: Any) -> str:
    """A node by its name in the CLI's language (its key where there is no projection or no name)."""
    from viz.report.graphinfo import short_name

    return short_name(graph, node) if graph is not None and node in graph else str(node).split(":", 1)[-1]


#: brokerage roles, in the order of Gould and Fernandez
_ROLES = (N_("coordinator"), N_("itinerant"), N_("representative"), N_("gatekeeper"), N_("liaison"))


def _print_brokers(run: Any, graph: Any, top: int = 10) -> None:
    """The top brokers by name in a table that fits an 80-column terminal: actor and group cut with an
    ellipsis, one column for the main role instead of five (the counts of every role and the keys:
    the run record, ``GET /analytics/runs/latest``, the report)."""
    from graph.analytics.registry import BROKERAGE
    from viz.report.graphinfo import group_name

    brokerage = run.require(BROKERAGE)
    partition = brokerage.partition
    table = Table(
        title=_("top brokers (partition: {partition})").format(partition=_(partition)),
        box=box.SIMPLE_HEAD,
    )
    # the numbers and the role whole; the names take what is left (5 columns padded by 1 on each
    # side and the edges), cut with an ellipsis
    free = max(console.width - 5 * 2 - 2 - (5 + 18 + 6), 20)
    group_width = min(18, max(8, free // 4))
    table.add_column(_("actor"), no_wrap=True, overflow="ellipsis", max_width=min(48, free - group_width))
    table.add_column(_(partition), no_wrap=True, overflow="ellipsis", max_width=group_width)
    table.add_column(_("total"), justify="right", no_wrap=True, min_width=5)
    table.add_column(_("main role"), no_wrap=True, min_width=18)
    table.add_column("z", justify="right", no_wrap=True, min_width=6)
    for node, scores in brokerage.top(top):
        z = scores.total_z
        main = max(_ROLES, key=lambda r: scores.count(r))
        group = brokerage.groups.get(node)
        table.add_row(
            _node_name(graph, node),
            group_name(graph, partition, group) if graph is not None else str(group or ""),
            f"{scores.count('total'):g}",
            f"{_(main)} {scores.count(main):g}",
            "-" if z is None else f"{z:.2f}",
        )
    console.print(table)


def _print_run(run: Any, path: Path, stored: Any, graph: Any = None) -> None:
    from graph.analytics.registry import COVERAGE, DUPLICATES
    from viz.report.graphinfo import population_note

    g = run.graph
    console.print(
        _(
            "analysed {nodes} nodes / {relationships} relationships ({actors} actors, {ties} actor ties) "
            "in {seconds} s; run saved to {path}"
        ).format(
            nodes=num(g.nodes), relationships=num(g.relationships), actors=num(g.actors),
            ties=num(g.actor_ties), seconds=num(run.total_seconds, 1), path=path,
        )
    )  # fmt: skip
    if run.population is not None:
        console.print(population_note(run), markup=False)
    for warning in run_notices(run.notices, run.warnings):
        err_console.print(_("warning: {text}").format(text=warning), markup=False, highlight=False)
    if stored is not None:
        console.print(
            _(
                "results stored in the graph: run {run}, {scored} actors scored, {cleared} earlier results "
                "removed, {gone} actors gone ({seconds} s)"
            ).format(
                run=stored.run_id, scored=num(stored.scored), cleared=num(stored.cleared),
                gone=num(len(stored.missing)), seconds=num(stored.seconds, 1),
            )
        )  # fmt: skip
    _print_brokers(run, graph)
    for cluster in run.require(DUPLICATES).clusters:
        members = _(", ").join(_node_name(graph, m) for m in cluster.members)
        hosts = _(", ").join(_node_name(graph, f"Country:{h}") for h in cluster.hosts)
        console.print(_("duplicated centres in {hosts}: {members} (score {score})").format(
            hosts=hosts, members=members, score=num(cluster.score, 2)),
            markup=False, highlight=False)  # fmt: skip
    console.print(_(
        "coverage gaps (BRI countries × fields with demand and no centre or partner): {n}").format(
        n=num(len(run.require(COVERAGE).gaps))))  # fmt: skip


@app.command()
def analyze(
    partition: Annotated[
        str, typer.Option(help="Group actors by: country, region, income or centre_system.")
    ] = "country",
    seed: Annotated[int, typer.Option(help="Seed of the sampled and randomised steps.")] = 0,
    max_group: Annotated[
        int | None,
        typer.Option(
            help="Events/agreements with up to this many actors tie them all; larger ones tie them "
            "to their organisers only (default: the suite's, 10)."
        ),
    ] = None,
    write_back: Annotated[
        bool,
        typer.Option(
            "--write-back/--no-write-back",
            help="Store the results on the actors and an AnalysisRun node in the graph.",
        ),
    ] = True,
    synthetic: Annotated[
        bool,
        typer.Option(
            "--synthetic/--real-only",
            help="Include synthetic data (the demo's labelled sample, generated scale-test networks); "
            "real data only by default.",
        ),
    ] = False,
    scenario: Annotated[
        str,
        typer.Option(
            help="established: bodies that exist (default); as-planned: proposed, planned and agreed "
            "centres and partnerships included."
        ),
    ] = "established",
    betweenness_exact_threshold: Annotated[
        int | None,
        typer.Option(
            help="Actor networks up to this size get exact betweenness (default: the suite's, 2000)."
        ),
    ] = None,
    timings: Annotated[
        Path | None,
        typer.Option(
            "--timings",
            hidden=True,
            help="Write the wall-clock end of each phase to this JSON file (benchmarks).",
        ),
    ] = None,
) -> None:
    """Run the network analyses, save them as a run record and store per-actor results in the graph.

    The analyses: brokerage, structural holes, centrality, communities, duplicated centres, coverage gaps.

    The results stored in the graph replace the previous run's.
    """
    marks = Timings() if timings is not None else None
    if scenario not in ("established", "as-planned"):
        raise CliError(
            _("unknown scenario {name}; use established or as-planned").format(name=repr(scenario))
        )
    done = _analyze(
        _settings(),
        partition,
        seed,
        max_group,
        write_back,
        synthetic=synthetic,
        scenario=scenario,
        betweenness_exact_threshold=betweenness_exact_threshold,
        timings=marks,
    )
    _LEFT_TO_THE_OS.append(done)  # the process ends now: no need to free it
    if marks is not None and timings is not None:
        marks.write(timings)


@app.command()
def export(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (.ttl, .jsonld, .graphml).")
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write the explorer as one self-contained offline HTML file."),
    ] = None,
    focus: Annotated[
        str | None,
        typer.Option(help="With --html: centre the view on this node id (e.g. Institution:CASTTC)."),
    ] = None,
    depth: Annotated[int, typer.Option(help="With --html and --focus: hops around the node.")] = 2,
    limit: Annotated[int, typer.Option(help="With --html: most nodes in the view.")] = 2000,
) -> None:
    """Export the graph as Turtle, JSON-LD or GraphML, or the explorer as an offline HTML file."""
    if out is None and html is None:
        raise CliError(_("give --out FILE (.ttl, .jsonld, .graphml) and/or --html FILE"))
    settings = _settings()
    with _open_store(settings) as store:
        if out is not None:
            suffix = out.suffix.lower()
            if suffix == ".graphml":
                from graph.export import write_graphml

                write_graphml(store, out)
            elif suffix in {".ttl", ".jsonld", ".json"}:
                from graph.export import graph_records
                from ontology.rdfio import export_records

                records = list(graph_records(store.to_networkx(), store.schema))
                export_records(records, out, schema=store.schema)
            else:
                raise CliError(
                    _("{file}: unknown export format (use .ttl, .jsonld or .graphml)").format(file=out)
                )
            console.print(_("wrote {file}").format(file=out))
        if html is not None:
            from graph.cache import ProjectionCache
            from graph.paths import neighbourhood
            from viz.explorer import render_explorer
            from viz.view import GraphView, ViewEdge, ViewNode, view_of

            cache = ProjectionCache(store)
            graph = cache.graph
            if focus:
                if focus not in graph:
                    raise CliError(_("no node {id}").format(id=repr(focus)))
                ids = neighbourhood(graph, focus, depth=depth, limit=limit)
            else:
                ids = [n for n, _ in sorted(graph.degree, key=lambda item: (-item[1], str(item[0])))[:limit]]
            data = view_of(cache, store.schema, ids)
            view = GraphView(
                tuple(ViewNode(**n) for n in data["nodes"]),
                tuple(ViewEdge(**e) for e in data["edges"]),
                data["physics"],
            )
            html.parent.mkdir(parents=True, exist_ok=True)
            html.write_text(render_explorer(api_base=None, schema=store.schema, view=view), encoding="utf-8")
            console.print(
                _("wrote {file} ({nodes} nodes, {relationships} relationships)").format(
                    file=html, nodes=num(len(view.nodes)), relationships=num(len(view.edges))
                )
            )


def _write_report(
    settings: Settings,
    run: Any,
    out: Path | None = None,
    formats: tuple[str, ...] = ("html", "md"),
    lang: str = "en",
    graph: Any = None,
    country: str | None = None,
    shacl: bool = True,
) -> list[Path]:
    """Write the report (or one country's page) with `api.jobs.write_reports`; `graph` is the
    projection when the caller has it."""
    from api.jobs import write_reports
    from ontology.schema_cache import cached_schema
    from viz.report import SHACL_GRAPH_LIMIT, UnknownCountryError, shacl_fits

    if graph is None:
        with _open_store(settings) as store:
            graph = store.to_networkx()
    if shacl and not country and not shacl_fits(graph):
        size = graph.number_of_nodes() + graph.number_of_edges()
        console.print(
            _(
                "whole-graph SHACL skipped: {size} nodes + relationships > {limit} "
                "(pyshacl would take hours); "
                "the load-time checks stand"
            ).format(size=num(size), limit=num(SHACL_GRAPH_LIMIT))
        )
        shacl = False
    try:
        paths = write_reports(
            settings, run, graph, cached_schema(), out=out, formats=formats, lang=lang, country=country,
            shacl=shacl and not country,
        )  # fmt: skip
    except UnknownCountryError as exc:
        raise CliError(str(exc)) from None
    for path in paths:
        console.print(_("report    {file}").format(file=path))
    return paths


@app.command()
def report(
    out: Annotated[Path | None, typer.Option("--out", help="Folder of report.html / .md / .pdf.")] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: html, md, pdf.")] = "html,md",
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Edition: en or zh (default: the language of the CLI, see transfernet --lang)."
        ),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="One country's page (ISO code, e.g. TH): report-TH.*")
    ] = None,
    shacl: Annotated[
        bool, typer.Option("--shacl/--no-shacl", help="Validate the whole graph against the SHACL shapes.")
    ] = True,
) -> None:
    """Write the network analysis report from the current graph and the latest analysis run."""
    from graph.analytics.runs import latest_run
    from viz.report import FORMATS

    formats = tuple(f.strip() for f in format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise CliError(
            _("unknown report format(s) {given}: use {values}").format(
                given=", ".join(unknown) or "(none)", values=", ".join(FORMATS)
            )
        )
    lang = lang or current().lang
    if lang not in LANGS:
        raise CliError(_("--lang must be en or zh"))
    settings = _settings()
    run = latest_run(settings.runs_dir)
    if run is None:
        raise CliError(_("no analysis run yet: run `transfernet analyze` first"))
    _write_report(settings, run, out, formats, lang, country=country, shacl=shacl)


@app.command()
def stop() -> None:
    """Stop the embedded store's server for this data directory now.

    It also stops by itself TRANSFERNET_SERVER_LINGER_S seconds (default 300) after its last user exits.
    """
    settings = _settings()
    if settings.backend.value != "falkordb":
        raise CliError(_("stop only concerns the embedded falkordb backend"))
    from graph.backends import stop_server

    stop_server(settings.store_dir)
    console.print(_("stopped the embedded store of {folder}").format(folder=settings.data_dir))


@app.command()
def demo(
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API and explorer at the end.")
    ] = True,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample/--no-sample",
            help="Add the labelled synthetic sample of experts, technology offers and demands "
            "(the real data has none), loaded after the real data, every node synthetic: true.",
        ),
    ] = True,
) -> None:
    """The main job: load the bundled data, analyse it, write the report, serve the explorer.

    Loads the bundled real dataset (and the labelled synthetic sample), analyses it and writes the report.

    Then serves the API and the explorer (Ctrl-C stops).
    """
    from api.jobs import load_demo_data, save_load_record

    settings = _settings()
    with _open_store(settings) as store, _progress() as progress:
        task = progress.add_task("bundled dataset", total=None, rate="")
        loaded = load_demo_data(
            settings, store, sample=sample, on_mapping=lambda text: progress.update(task, description=text)
        )
        progress.update(task, description="bundled dataset loaded", total=1, completed=1)
        report_file = save_load_record(settings, loaded.reports)
        if not _print_load_reports(list(loaded.reports), report_file):
            raise typer.Exit(1)
        net = loaded.sample
        if net is not None:
            console.print(
                _(
                    "synthetic demo sample (seed {seed}): {nodes} nodes, {relationships} relationships "
                    "on the "
                    "real institutions, every one marked synthetic: true; files in {folder}"
                ).format(
                    seed=net.seed,
                    nodes=num(net.nodes),
                    relationships=num(net.relationships),
                    folder=net.directory,
                )
            )
        _print_stats(store)
    done = _analyze(settings, "country", 0, edge_properties=True)  # the report reads them
    _write_report(settings, done.run, graph=done.graph)  # the projection is reused, not rebuilt
    if serve_:
        _serve(settings, host or settings.host, port if port is not None else settings.port, None)


same_org = typer.Typer(
    help="Institution records that are probably one organisation: list them, merge or keep apart.",
    no_args_is_help=True,
)
app.add_typer(same_org, name="same-org")


@same_org.command("list")
def same_org_list(
    min_confidence: Annotated[float, typer.Option(help="Smallest confidence shown (0.5-1).")] = 0.9,
    limit: Annotated[int, typer.Option(help="Pairs shown at most.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print pairs as JSON lines.")] = False,
) -> None:
    """Pairs of institutions that are probably one organisation, with rule, confidence and evidence."""
    from graph.analytics.same_organisation import same_organisation_in_store

    with _open_store() as store:
        found = same_organisation_in_store(store, min_confidence=min_confidence)
    if as_json:
        _print_json_lines(dataclasses.asdict(pair) for pair in found.pairs[:limit])
        return
    table = Table(
        title=f"{len(found.pairs)} pairs in {len(found.clusters)} clusters "
        f"(confidence >= {min_confidence}; {found.kept_apart} kept apart by a decision)"
    )
    for column in ("a", "b", "rule", "confidence", "evidence", "decided"):
        table.add_column(column, overflow="fold")
    for p in found.pairs[:limit]:
        table.add_row(
            f"{p.a} {p.a_name}",
            f"{p.b} {p.b_name}",
            p.rule,
            f"{p.confidence:.2f}",
            p.evidence,
            p.decided or "",
        )
    console.print(table)


def _decide(a: str, b: str, verdict: str, by: str, why: str) -> None:
    from graph.errors import StoreError
    from graph.resolution.decisions import decide

    with _open_store() as store:
        try:
            made = decide(store, a, b, verdict, decided_by=by, note=why)  # type: ignore[arg-type]
        except (ValueError, StoreError) as exc:
            raise CliError(str(exc)) from exc
    link = "SAME_AS" if verdict == "same" else "DISTINCT_FROM"
    console.print(
        f"recorded {link} {made.a} -> {made.b} by {made.decided_by} at {made.decided_at}: {made.note}",
        markup=False,
        highlight=False,
    )


@same_org.command("merge")
def same_org_merge(
    a: Annotated[str, typer.Argument(help="Key of one institution.")],
    b: Annotated[str, typer.Argument(help="Key of the other.")],
    by: Annotated[str, typer.Option("--by", help="Who decides.")],
    why: Annotated[str, typer.Option("--why", help="Why they are one organisation.")],
) -> None:
    """Record that two institutions are one organisation (a SAME_AS link; undo removes it)."""
    _decide(a, b, "same", by, why)


@same_org.command("keep-apart")
def same_org_keep_apart(
    a: Annotated[str, typer.Argument(help="Key of one institution.")],
    b: Annotated[str, typer.Argument(help="Key of the other.")],
    by: Annotated[str, typer.Option("--by", help="Who decides.")],
    why: Annotated[str, typer.Option("--why", help="Why they are two organisations.")],
) -> None:
    """Record that two look-alike institutions are two organisations (DISTINCT_FROM)."""
    _decide(a, b, "distinct", by, why)


@same_org.command("undo")
def same_org_undo(
    a: Annotated[str, typer.Argument(help="Key of one institution.")],
    b: Annotated[str, typer.Argument(help="Key of the other.")],
) -> None:
    """Remove the decision on a pair of institutions."""
    from graph.resolution.decisions import undo

    with _open_store() as store:
        try:
            removed = undo(store, a, b)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    if not removed:
        raise CliError(f"no decision on {a} and {b}")
    console.print(f"removed {removed} decision link(s) between {a} and {b}", markup=False, highlight=False)


@same_org.command("decisions")
def same_org_decisions() -> None:
    """Every recorded merge or keep-apart decision."""
    from graph.resolution.decisions import read_decisions

    with _open_store() as store:
        made = read_decisions(store)
    table = Table(title=f"{len(made)} decisions")
    for column in ("a", "b", "verdict", "by", "at", "why"):
        table.add_column(column, overflow="fold")
    for d in made:
        table.add_row(d.a, d.b, d.verdict, d.decided_by, d.decided_at, d.note)
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every error into one line on stderr."""
    debug = os.environ.get("TRANSFERNET_DEBUG") == "1" or "--debug" in (argv or sys.argv[1:])
    # A command may leave millions of objects in reference cycles (a networkx graph caches
    # views of itself), which the interpreter's final collection walks before the process
    # exits: 7.8 s after `analyze` on the 1M-relationship graph.  Frozen, they are left to
    # the operating system, which takes the memory back at once.  (Every file the CLI
    # writes is closed by a `with` block, so nothing waits for a finaliser.)
    atexit.register(gc.freeze)
    # numpy asks the kernel for transparent huge pages for its large arrays; on the 2-core VMs
    # we measure on, the faults of fresh huge pages cost more than they save: the actor network
    # at 1M relationships took 1.0-1.4 s with them, 0.55-0.6 s without, the analysis steps the
    # same (`benchmarks/analyze_suite.py`).  Read when numpy is imported, which no command has
    # done yet; a user's own setting wins.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    _LANG[0] = cli_language(os.environ)
    try:
        code = app(args=argv, prog_name="transfernet", standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        with use(_LANG[0]):
            err_console.print(_("aborted"))
        raise SystemExit(130) from None
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # help was printed
            raise SystemExit(0) from None
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        with use(_LANG[0]):
            err_console.print(_("error: {text}").format(text=message), markup=False, highlight=False)
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if debug:
            raise
        # the whole message: a loader's error lists every problem on a line of its own
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        if len(lines) > 51:
            lines = [*lines[:50], f"… and {len(lines) - 50} more lines"]
        with use(_LANG[0]):
            err_console.print(_("error: {text}").format(text="\n".join(lines)), markup=False, highlight=False)
        raise SystemExit(1) from None
    if isinstance(code, int) and code:  # outside standalone mode click returns typer.Exit's code
        raise SystemExit(code)


def program() -> NoReturn:
    """The ``transfernet`` command (console script, ``python -m api.cli``): `main`, then, once it
    succeeded, an exit without the interpreter's teardown (`_exit_without_teardown`).  Code that
    calls `main` itself goes on after it returns."""
    main()
    _exit_without_teardown(0)


def _exit_without_teardown(code: int) -> NoReturn:
    """End the process once every exit handler has run, without the interpreter's teardown.

    The teardown clears every module and frees what they hold object by object: 0.25 s after
    `analyze` at 1M relationships, before the operating system takes the memory back at once
    (the same move as Instagram's ``atexit.register(os._exit, 0)`` in their uWSGI workers, which
    no library does for us).  Exit handlers (logging, coverage, weak finalisers) run first; a
    thread still at work means an ordinary exit, which waits for it.
    """
    import threading

    first = threading.main_thread()
    if any(t is not first and not t.daemon and t.is_alive() for t in threading.enumerate()):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # python -m api.cli, from a checkout
    program()
