"""transfernet: loaders — readers and declarative mappings from source files to graph records.

* `read` (and the per-format readers in `loaders.readers`) yield `SourceRecord`
  objects with their `SourceLocation` (file, row, sheet);
* `load_mapping` / `compile_mapping` / `apply_mapping` turn rows into
  `ontology.records.NodeRecord` and `RelationshipRecord`, collecting a `RecordError`
  for every bad value; `find_dangling` reports relationships whose ends are missing.

Nothing here writes to a store; ingestion builds on these pieces.
"""

from __future__ import annotations

from loaders.errors import LoaderError, MappingError, ReaderError
from loaders.mapping import (
    CompiledMapping,
    MappedBatch,
    Origin,
    apply_mapping,
    check_mapping,
    compile_mapping,
    find_dangling,
)
from loaders.mapping_model import MappingSpec, load_mapping, parse_mapping
from loaders.readers import SourceLocation, SourceRecord, detect_format, read
from ontology.record_errors import RecordError

__all__ = [
    "CompiledMapping",
    "LoaderError",
    "MappedBatch",
    "MappingError",
    "MappingSpec",
    "Origin",
    "ReaderError",
    "RecordError",
    "SourceLocation",
    "SourceRecord",
    "apply_mapping",
    "check_mapping",
    "compile_mapping",
    "detect_format",
    "find_dangling",
    "load_mapping",
    "parse_mapping",
    "read",
]
