"""The ``transfernet`` command line (typer + rich).

Every command opens the configured store itself; nothing runs at import time.
Errors are reported on one line with a non-zero exit code (``--debug`` shows the
traceback).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from api.settings import Settings

__all__ = ["app", "main"]

console = Console()
err_console = Console(stderr=True)

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
) -> None:
    """Knowledge graph of the international technology-transfer network."""
    # Overrides travel as environment variables so that API worker processes see them too.
    if data_dir is not None:
        os.environ["TRANSFERNET_DATA_DIR"] = str(data_dir.resolve())
    if backend is not None:
        os.environ["TRANSFERNET_BACKEND"] = backend
    if debug:
        os.environ["TRANSFERNET_DEBUG"] = "1"


def _settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: report it on one line
        raise CliError(f"invalid configuration: {exc}".replace("\n", " ")) from exc


@contextmanager
def _open_store(settings: Settings | None = None) -> Iterator[Any]:
    from graph.backends import open_store
    from ontology.derive import load_schema

    store = open_store(settings or _settings(), load_schema())
    try:
        yield store
    finally:
        store.close()


def _print_stats(store: Any) -> None:
    stats = store.stats()
    table = Table(title=f"{stats.nodes} nodes, {stats.relationships} relationships")
    table.add_column("label / type")
    table.add_column("count", justify="right")
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
        console.print(f"store ready ({store.capabilities.name}) in {settings.data_dir}")
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
    console.print(f"API       {base}/api/v1/docs")
    console.print(f"health    {base}/api/v1/health/ready")
    console.print("Ctrl-C stops the server.")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers or settings.workers,
        log_level="info",
        access_log=False,
    )


def _parse_param(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name.isidentifier():
        raise CliError(f"parameter {text!r} is not NAME=VALUE")
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
        for row in rows:
            console.print_json(json.dumps(row, ensure_ascii=False, default=str))
        return
    table = Table(title=f"{len(rows)} rows")
    for column in rows[0] if rows else []:
        table.add_column(str(column))
    for row in rows:
        table.add_row(*(json.dumps(v, ensure_ascii=False, default=str) for v in row.values()))
    console.print(table)


@app.command()
def demo(
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API and explorer at the end.")
    ] = True,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """The main job: load the bundled dataset, analyse, write the report, then serve."""
    settings = _settings()
    with _open_store(settings) as store:
        store.install_schema()
        _print_stats(store)
    if serve_:
        _serve(settings, host or settings.host, port if port is not None else settings.port, None)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every error into one line on stderr."""
    debug = os.environ.get("TRANSFERNET_DEBUG") == "1" or "--debug" in (argv or sys.argv[1:])
    try:
        app(args=argv, prog_name="transfernet", standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        err_console.print("aborted")
        raise SystemExit(130) from None
    except typer.TyperException as exc:  # usage errors: bad option, missing argument, bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # help was printed
            raise SystemExit(0) from None
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        err_console.print(f"error: {message}", markup=False, highlight=False)
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:
        if debug:
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        err_console.print(f"error: {message}", markup=False, highlight=False)
        raise SystemExit(1) from None
