"""YAML reader (a list of mappings, or a mapping holding such a list)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from loaders.errors import ReaderError
from loaders.readers.base import SourceLocation, SourceRecord, open_text

__all__ = ["read_yaml"]


def read_yaml(
    path: str | Path,
    *,
    records_key: str | None = None,
    encoding: str = "utf-8-sig",
    name: str | None = None,
) -> Iterator[SourceRecord]:
    """Yield the mappings of a YAML list (YAML is parsed whole: meant for small files).

    Parameters
    ----------
    path : str or Path
        YAML file (``.gz`` allowed).
    records_key : str, optional
        Key of the list in a top-level mapping; by default the first list found.
    encoding : str
        Text encoding.
    name : str, optional
        File name to record in locations.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.yaml"
    >>> _ = f.write_text("countries:\\n  - {iso2: GR}\\n  - {iso2: CN}\\n")
    >>> [(r.values["iso2"], r.location.row) for r in read_yaml(f)]
    [('GR', 1), ('CN', 2)]
    """
    label = name if name is not None else str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open_text(path, encoding) as fh:
        try:
            data = yaml.load(fh, Loader=loader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            raise ReaderError(label, None, f"invalid YAML: {exc}") from exc
    if isinstance(data, dict):
        if records_key is not None:
            if records_key not in data:
                raise ReaderError(label, None, f"no key {records_key!r} (keys: {', '.join(map(str, data))})")
            data = data[records_key]
        else:
            data = next((v for v in data.values() if isinstance(v, list)), None)
    if data is None:
        return
    if not isinstance(data, list):
        raise ReaderError(label, None, "expected a list of records")
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ReaderError(label, i, f"record {i} is not a mapping")
        yield SourceRecord({str(k): v for k, v in item.items()}, SourceLocation(label, i))
