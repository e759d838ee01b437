"""RDF reader (Turtle, JSON-LD, N-Triples, RDF/XML) via rdflib: one record per subject."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loaders.errors import ReaderError
from loaders.readers.base import SourceLocation, SourceRecord, open_binary

__all__ = ["RDF_FORMATS", "read_rdf"]

#: Our format names → rdflib parser names.
RDF_FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "jsonld": "json-ld",
    "ntriples": "nt",
    "rdfxml": "xml",
}


def read_rdf(
    path: str | Path,
    *,
    rdf_format: str = "turtle",
    name: str | None = None,
) -> Iterator[SourceRecord]:
    """Yield one record per subject, its predicates as fields.

    Field names are the predicates in prefixed form (``skos:prefLabel``) when the
    file binds a prefix for them, else the full IRI; ``@id`` holds the subject
    (IRI, or ``_:`` and a blank-node id).  A predicate with several objects gives a
    list; literals become Python values (language tags are dropped), IRIs strings.
    The graph is parsed whole (rdflib has no streaming parser); subjects come in
    sorted order, so ``location.row`` is stable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "f.ttl"
    >>> _ = f.write_text('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\\n'
    ...                  '<urn:f:1> skos:notation "1" ; skos:prefLabel "Natural sciences"@en .\\n')
    >>> [r.values for r in read_rdf(f)]
    [{'@id': 'urn:f:1', 'skos:notation': '1', 'skos:prefLabel': 'Natural sciences'}]
    """
    from rdflib import BNode, Graph, Literal  # imported lazily

    label = name if name is not None else str(path)
    graph = Graph()
    try:
        with open_binary(path) as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's JSON-LD parser internals
            graph.parse(source=fh, format=RDF_FORMATS.get(rdf_format, rdf_format))
    except Exception as exc:  # rdflib raises parser-specific exception types
        raise ReaderError(label, None, f"cannot parse RDF ({rdf_format}): {exc}") from exc
    nsm = graph.namespace_manager
    names: dict[Any, str] = {}

    def field(pred: Any) -> str:
        if pred not in names:
            try:
                prefix, _, local = nsm.compute_qname_strict(str(pred), generate=False)
                names[pred] = f"{prefix}:{local}" if prefix else str(local)
            except (ValueError, KeyError):
                names[pred] = str(pred)
        return names[pred]

    def node_id(node: Any) -> str:
        return f"_:{node}" if isinstance(node, BNode) else str(node)

    for row, subject in enumerate(sorted(set(graph.subjects()), key=node_id), start=1):
        values: dict[str, Any] = {"@id": node_id(subject)}
        for pred, obj in sorted(graph.predicate_objects(subject)):
            value = obj.toPython() if isinstance(obj, Literal) else node_id(obj)
            if isinstance(obj, Literal) and obj.language:
                value = str(obj)
            key = field(pred)
            if key in values:
                old = values[key]
                values[key] = [*old, value] if isinstance(old, list) else [old, value]
            else:
                values[key] = value
        yield SourceRecord(values, SourceLocation(label, row))
