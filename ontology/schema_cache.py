"""The derived `GraphSchema`, kept on disk between processes.

Deriving the schema parses the Turtle files with rdflib (about 0.4 s with its import):
more than a short CLI command's whole budget.  The derived schema is pickled in the
user's cache directory under a key that hashes every file it is derived from (the
Turtle files and the ``ontology`` package's code) and the Python version, so an edited
ontology or a changed derivation is never served stale.

The cache is the user's own (``$TRANSFERNET_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``transfernet/``, created ``0700``); pickle is used because nothing
but this process family writes there.  Any failure to read or write it falls back to
deriving the schema.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

from ontology.schema import GraphSchema

__all__ = ["cache_dir", "cached_schema", "schema_key"]

_PACKAGE = Path(__file__).resolve().parent


def schema_key() -> str:
    """Hash of everything the schema is derived from (Turtle files, ontology code, Python).

    Examples
    --------
    >>> len(schema_key())
    64
    """
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted([*_PACKAGE.glob("*.py"), *(_PACKAGE / "data").glob("*")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where derived artefacts are cached (see the module docstring)."""
    explicit = os.environ.get("TRANSFERNET_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "transfernet"


@cache
def cached_schema() -> GraphSchema:
    """`ontology.derive.load_schema`, kept on disk between processes: for short-lived ones
    (a CLI command, a server's start), which would otherwise parse the Turtle files each time.

    Examples
    --------
    >>> from ontology.derive import load_schema
    >>> cached_schema() == load_schema()  # what that schema holds: its own examples
    True
    """
    path = cache_dir() / f"schema-{schema_key()}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        schema = pickle.loads(path.read_bytes())  # noqa: S301 - the user's own cache (module docstring)
        if isinstance(schema, GraphSchema):
            return schema
    from ontology.derive import load_schema

    schema = load_schema()
    _store(path, schema)
    return schema


def _store(path: Path, schema: GraphSchema) -> None:
    with contextlib.suppress(OSError, pickle.PicklingError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in path.parent.glob("schema-*.pickle"):
            old.unlink(missing_ok=True)  # one schema per cache: older keys are never read again
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".schema.", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(schema, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
