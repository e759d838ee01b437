"""Run a declarative mapping: source rows → `NodeRecord` / `RelationshipRecord`, errors collected.

`compile_mapping` checks a `MappingSpec` against a `GraphSchema` (every label,
relationship type and property must exist; required properties must be mapped) and
precompiles templates, converters and conditions; the compiled mapping then maps
rows with a lean inner loop.  A bad value never stops the run: it becomes a
`RecordError` (file, row, column, reason) and the record it belonged to is left
out, so one run reports every bad row of a file.

Examples
--------
>>> import tempfile, pathlib
>>> from ontology.schema import GraphSchema, NodeType, PropertySpec, RelationshipType
>>> country = NodeType("Country", "urn:x:Country", key="iso2", key_label="Country",
...                    labels=("Country",), properties=(
...                        PropertySpec("iso2", "urn:x:iso2", pattern="^[A-Z]{2}$",
...                                     label_en="ISO 3166 alpha-2 code"),
...                        PropertySpec("name", "urn:x:name", required=True)))
>>> schema = GraphSchema.build([country], [])
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "c.csv").write_text("code,name\\nGR,Greece\\nXXX,Nowhere\\nCN,\\n")
>>> spec = parse_mapping("source: {path: c.csv}\\n"
...                      "nodes: [{label: Country, key: code, properties: {name: name}}]\\n")
>>> result = apply_mapping(spec, schema, data_dir=d, provenance_root=d)
>>> [(n.label, n.key, n.properties["name"], n.properties["sources"]) for n in result.nodes]
[('Country', 'GR', 'Greece', ['c.csv:2'])]
>>> for err in result.errors:
...     print(err)
c.csv:3: column 'code': 'XXX' is not an ISO 3166 alpha-2 code (expected to match ^[A-Z]{2}$)
c.csv:4: column 'name': required property 'name' is empty
"""

from __future__ import annotations

from loaders.mapping.check import check_mapping
from loaders.mapping.dangling import find_dangling
from loaders.mapping.run import CompiledMapping, MappedBatch, Origin, apply_mapping, compile_mapping
from loaders.mapping_model import load_mapping, parse_mapping

__all__ = [
    "CompiledMapping",
    "MappedBatch",
    "Origin",
    "apply_mapping",
    "check_mapping",
    "compile_mapping",
    "find_dangling",
    "load_mapping",
    "parse_mapping",
]
