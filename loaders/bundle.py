"""The bundled real dataset: its manifest (``data/bundle.yaml``) and loading it.

The manifest lists mappings in load order, each with the folder its source paths are
relative to.  Generated sources (the ISO 3166 country list from pycountry) are written
into a work directory first.  Every mapping is loaded atomically by `ingest`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from graph.store import GraphStore
from loaders.errors import LoaderError
from loaders.ingest import LoadJob, LoadReport, Shacl, ingest_many
from loaders.iso3166 import write_countries_csv

__all__ = ["BundleEntry", "bundle_dir", "bundle_entries", "load_bundle"]

GENERATED = "generated"


@dataclass(frozen=True, slots=True)
class BundleEntry:
    """One mapping of the bundle and the folder its sources are read from."""

    mapping: Path
    data_dir: Path


def bundle_dir() -> Path:
    """The folder of the bundled dataset (``TRANSFERNET_BUNDLE_DIR``, else the repository's ``data/``)."""
    configured = os.environ.get("TRANSFERNET_BUNDLE_DIR")
    if configured:
        return Path(configured).resolve()
    for candidate in (Path(__file__).resolve().parents[1] / "data", Path.cwd() / "data"):
        if (candidate / "bundle.yaml").is_file():
            return candidate
    raise LoaderError("the bundled dataset was not found: set TRANSFERNET_BUNDLE_DIR to the data/ folder")


def bundle_entries(root: Path, work_dir: Path) -> Iterator[BundleEntry]:
    """The manifest's mappings in load order.

    Examples
    --------
    >>> import tempfile
    >>> entries = list(bundle_entries(bundle_dir(), Path(tempfile.mkdtemp())))
    >>> entries[0].mapping.name, entries[0].data_dir.name
    ('wb_economies.yaml', 'reference')
    """
    manifest = yaml.safe_load((root / "bundle.yaml").read_text(encoding="utf-8"))
    for item in manifest["mappings"]:
        folder = work_dir if item["data_dir"] == GENERATED else root / item["data_dir"]
        yield BundleEntry(root / item["mapping"], folder)


def load_bundle(
    store: GraphStore,
    work_dir: str | Path,
    *,
    root: Path | None = None,
    on_mapping: Callable[[BundleEntry], None] | None = None,  # as a mapping's reading starts
    progress: Callable[[int], None] | None = None,
    shacl: Shacl = Shacl.FULL,
) -> list[LoadReport]:
    """Load the whole bundled dataset into `store`; stop at the first mapping that fails.

    The real data is small (a few thousand records), so by default pyshacl checks it
    too (`Shacl.FULL`), on top of the compiled constraints every load gets.

    Returns one `LoadReport` per mapping attempted; the last one has ``loaded`` False
    when a mapping was refused (earlier mappings stay loaded, each was atomic).
    """
    root = root or bundle_dir()
    work = Path(work_dir)
    write_countries_csv(work / "iso3166.csv")
    entries = list(bundle_entries(root, work))
    by_mapping = {entry.mapping: entry for entry in entries}
    started: set[Path] = set()

    def tick(job: LoadJob, rows: int) -> None:
        if on_mapping is not None and job.mapping not in started:
            started.add(job.mapping)
            on_mapping(by_mapping[job.mapping])
        if progress is not None:
            progress(rows)

    jobs = [LoadJob(e.mapping, e.data_dir, root.parent) for e in entries]
    reports = list(ingest_many(store, jobs, shacl=shacl, progress=tick))
    return reports
