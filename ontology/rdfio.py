"""Read and write RDF files (Turtle, JSON-LD) of property-graph records.

Examples
--------
>>> from ontology.records import NodeRecord
>>> text = dumps([NodeRecord("Bloc", "SCO", {"name": "SCO", "sources": ["the study"]})], format="json-ld")
>>> [r.key for r in loads(text, format="json-ld")]
['SCO']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.plugins.parsers.jsonld import to_rdf

from ontology.namespaces import PREFIXES, bind_prefixes
from ontology.schema import GraphSchema

__all__ = [
    "FORMATS",
    "dumps",
    "export_records",
    "guess_format",
    "import_records",
    "jsonld_context",
    "loads",
    "parse_rdf",
    "read_graph",
    "serialize",
]

#: File suffixes and the rdflib format they stand for.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".rdf": "xml",
    ".xml": "xml",
}


def guess_format(path: str | os.PathLike[str]) -> str:
    """Return the rdflib format of a file from its suffix.

    Examples
    --------
    >>> guess_format("centres.jsonld"), guess_format("centres.ttl")
    ('json-ld', 'turtle')
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot tell the RDF format of {path!s}; pass format=")
    return FORMATS[suffix]


def jsonld_context() -> dict[str, Any]:
    """Return the JSON-LD context used when writing (the package's prefixes).

    Examples
    --------
    >>> jsonld_context()["tn"]
    'https://w3id.org/transfernet/ontology#'
    """
    return dict(PREFIXES)


def parse_rdf(source: str | Path, *, format: str, data: bool = False) -> Graph:
    """Parse RDF from a file path (or, with ``data=True``, from text) into a new `Graph`.

    JSON-LD goes straight to rdflib's JSON-LD-to-RDF algorithm with a plain graph as the
    sink: ``Graph.parse(format="json-ld")`` builds a deprecated ``ConjunctiveGraph`` and
    warns. Named graphs in JSON-LD input are merged into the one graph.

    Examples
    --------
    >>> len(parse_rdf('{"@id": "urn:a", "urn:b": {"@id": "urn:c"}}', format="json-ld", data=True))
    1
    """
    graph = bind_prefixes(Graph())
    if format == "json-ld":
        text = source if data else Path(source).read_text(encoding="utf-8")
        base = None if data else Path(source).resolve().as_uri()
        to_rdf(json.loads(str(text)), graph, base=base)
        return graph
    if data:
        graph.parse(data=str(source), format=format)
    else:
        graph.parse(source=Path(source), format=format)
    return graph


def read_graph(path: str | os.PathLike[str], *, format: str | None = None) -> Graph:
    """Parse an RDF file (format from its suffix unless given).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp()) / "x.ttl"
    >>> _ = tmp.write_text("<urn:a> <urn:b> <urn:c> .")
    >>> len(read_graph(tmp))
    1
    """
    return parse_rdf(Path(path), format=format or guess_format(path))


def serialize(graph: Graph, *, format: str = "turtle") -> str:
    """Serialise `graph` as Turtle or JSON-LD (compacted with `jsonld_context`).

    Examples
    --------
    >>> serialize(Graph(), format="json-ld").strip().startswith("{")
    True
    """
    if format == "json-ld":
        return graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return graph.serialize(format=format)


def dumps(records: Iterable[Any], *, format: str = "turtle", schema: GraphSchema | None = None) -> str:
    """Return records (`NodeRecord`/`RelationshipRecord`) as RDF text.

    Examples
    --------
    >>> from ontology.records import NodeRecord
    >>> "tn:Bloc" in dumps([NodeRecord("Bloc", "SCO", {"name": "SCO", "sources": ["s"]})])
    True
    """
    from ontology.convert import records_to_graph

    return serialize(records_to_graph(records, schema), format=format)


def loads(text: str, *, format: str = "turtle", schema: GraphSchema | None = None) -> list[Any]:
    """Return the records held in RDF text (nodes first, then relationships).

    Examples
    --------
    >>> loads("") == []
    True
    """
    from ontology.convert import graph_to_records

    return list(graph_to_records(parse_rdf(text, format=format, data=True), schema))


def export_records(
    records: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    schema: GraphSchema | None = None,
) -> Path:
    """Write records to an RDF file (format from the suffix unless given); return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ontology.records import NodeRecord
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "blocs.jsonld"
    >>> export_records([NodeRecord("Bloc", "AU", {"name": "African Union", "sources": ["s"]})], out).name
    'blocs.jsonld'
    """
    path = Path(path)
    path.write_text(dumps(records, format=format or guess_format(path), schema=schema), encoding="utf-8")
    return path


def import_records(
    path: str | os.PathLike[str], *, format: str | None = None, schema: GraphSchema | None = None
) -> list[Any]:
    """Read the records held in an RDF file (nodes first, then relationships).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ontology.records import NodeRecord
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "blocs.ttl"
    >>> node = NodeRecord("Bloc", "AU", {"name": "African Union", "sources": ["s"]})
    >>> import_records(export_records([node], out)) == [node]
    True
    """
    from ontology.convert import graph_to_records

    return list(graph_to_records(read_graph(path, format=format), schema))
