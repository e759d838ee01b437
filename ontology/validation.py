"""Validate data against the ontology's SHACL shapes: one function, one typed report.

`validate` accepts an rdflib graph, a Turtle/JSON-LD file, or property-graph records
(converted with `ontology.convert`). Each violation says in plain language what is
wrong, on which node (``BilateralCentre 'CASTTC-NE'``), with which property and value,
and where the data came from (the node's or relationship's ``sources``, e.g. a
``file.csv:12`` reference or a URL).

Examples
--------
>>> from ontology.records import NodeRecord
>>> report = validate([NodeRecord("Country", "XX", {"name": "Nowhere", "sources": ["countries.csv:3"]})])
>>> report.conforms
False
>>> [v.message.split(":")[0] for v in report.violations]
['This is not an ISO 3166-1 alpha-2 country code']
>>> report.violations[0].location
('countries.csv:3',)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pyshacl import validate as shacl_validate
from pyshacl.graph_abstraction import DataGraph
from pyshacl.validator import Validator
from rdflib import RDF, SH, Graph, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from ontology.convert import Record, add_record, parse_node_iri, source_text
from ontology.derive import load_schema, local_name
from ontology.namespaces import TN_NS, bind_prefixes
from ontology.rdfio import read_graph
from ontology.records import NodeRecord, RelationshipRecord
from ontology.resources import ontology_graph, shapes_graph
from ontology.schema import GraphSchema, SchemaError

__all__ = ["Severity", "ValidationReport", "Violation", "validate"]


class Severity(StrEnum):
    """Severity of a violation (``sh:Violation``, ``sh:Warning``, ``sh:Info``)."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem found in the data.

    Parameters
    ----------
    focus_node : str
        IRI of the node or relationship statement at fault (for a record the schema
        rejects before conversion: the record in words, as `subject`).
    subject : str
        The same in words: ``BilateralCentre 'CASTTC-NE'`` or ``HOSTED_IN (...)``.
    path : str or None
        Graph property or relationship type concerned (``established``, ``HOSTED_IN``,
        ``^PARTY_TO`` for an incoming relationship).
    value : str or None
        The offending value, if any.
    severity : Severity
    message : str
        Plain-language explanation.
    location : tuple of str
        Where the data came from (its ``sources``).
    shape, constraint : str
        The SHACL shape and constraint component (or ``schema`` for records the schema
        does not know).
    """

    focus_node: str
    subject: str
    path: str | None
    value: str | None
    severity: Severity
    message: str
    location: tuple[str, ...] = ()
    shape: str = ""
    constraint: str = ""

    def __str__(self) -> str:
        where = f" [{'; '.join(self.location)}]" if self.location else ""
        path = f" {self.path}" if self.path else ""
        value = f" = {self.value!r}" if self.value is not None else ""
        return f"{self.severity}: {self.subject}{path}{value}: {self.message}{where}"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The result of `validate`: ``conforms`` is False when any violation has severity Violation."""

    conforms: bool
    violations: tuple[Violation, ...] = ()

    def __str__(self) -> str:
        head = "conforms" if self.conforms else f"does not conform ({len(self.violations)} problems)"
        return "\n".join([head, *(f"- {v}" for v in self.violations)])

    def by_focus(self, focus_node: str) -> tuple[Violation, ...]:
        """Violations of one node or statement (by IRI)."""
        return tuple(v for v in self.violations if v.focus_node == focus_node)


def _describe(graph: Graph, term: Node | None, schema: GraphSchema) -> str:
    if term is None:
        return "?"
    names = {n.iri: n.label for n in schema.nodes.values()}
    rel_names = {r.iri: r.type for r in schema.relationships.values()}
    if (term, RDF.type, RDF.Statement) in graph:
        s, p, o = (graph.value(term, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        rel = rel_names.get(str(p), local_name(str(p)))
        return f"{rel} ({_describe(graph, s, schema)} -> {_describe(graph, o, schema)})"
    types = sorted(names[str(t)] for t in graph.objects(term, RDF.type) if str(t) in names)
    parsed = parse_node_iri(str(term))
    label = types[-1] if types else (parsed[0] if parsed else "node")
    if len(types) > 1:
        label = max(types, key=lambda t: len(schema.node(t).labels))
    key_value = graph.value(term, URIRef(TN_NS + "id"))
    key = str(key_value) if key_value is not None else parsed[1] if parsed else str(term)
    return f"{label} {key!r}"


def _path_name(graph: Graph, path: Node | None, schema: GraphSchema) -> str | None:
    if path is None:
        return None
    props = {p.iri: p.name for n in schema.nodes.values() for p in n.properties}
    props |= {p.iri: p.name for r in schema.relationships.values() for p in r.properties}
    rels = {r.iri: r.type for r in schema.relationships.values()}
    if isinstance(path, URIRef):
        return rels.get(str(path)) or props.get(str(path)) or local_name(str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_name(graph, inverse, schema) or "")
    return str(path)


def _sources(graph: Graph, term: Node) -> tuple[str, ...]:
    return tuple(sorted(source_text(str(s)) for s in graph.objects(term, PROV.wasDerivedFrom)))


class _FocusSetValidator(Validator):
    """pyshacl's validator with the focus nodes kept in a set.

    pyshacl keeps the ``focus_nodes`` option as a list and tests every targeted node for
    membership in it: quadratic, so validating a 1,700-record load inside its stored
    context took longer with focus nodes than without.  Only the container changes.
    """

    def make_executor(self) -> Any:
        executor = super().make_executor()
        if executor.focus_nodes:
            executor.focus_nodes = frozenset(executor.focus_nodes)  # type: ignore[assignment]
        return executor


def _run_shacl(data: Graph, schema: GraphSchema, focus_nodes: Sequence[str] | None = None) -> list[Violation]:
    union = Graph()
    union += data
    union += ontology_graph()
    if focus_nodes is None:
        _conforms, results, _text = shacl_validate(
            union,
            shacl_graph=shapes_graph(),
            inference="none",
            advanced=True,  # SHACL-AF SPARQL targets (shapes.ttl: UniqueKeyShape, NotInFutureShape)
            abort_on_first=False,
            allow_warnings=True,
            allow_infos=True,
        )
    else:
        validator = _FocusSetValidator(
            DataGraph.from_rdflib(union),
            shacl_graph=shapes_graph(),
            options={
                "inference": "none",
                "advanced": True,
                "abort_on_first": False,
                "allow_warnings": True,
                "allow_infos": True,
                "inplace": True,  # `union` is ours: no copy
                "focus_nodes": [URIRef(f) for f in focus_nodes],
            },
        )
        _conforms, results, _text = validator.run()
    if not isinstance(results, Graph):  # pragma: no cover - pyshacl returns a Graph here
        raise TypeError(f"unexpected pyshacl result {type(results)}: {results!r}"[:2000])
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        path = results.value(result, SH.resultPath)
        path_name = _path_name(union if isinstance(path, URIRef) else results, path, schema)
        violations.append(
            Violation(
                focus_node=str(focus),
                subject=_describe(union, focus, schema) if focus is not None else "",
                path=path_name,
                value=None if value is None else str(value),
                severity=Severity(local_name(str(severity))) if severity is not None else Severity.VIOLATION,
                message=sorted(messages)[0] if messages else "constraint not met",
                location=_sources(union, focus) if focus is not None else (),
                shape=str(results.value(result, SH.sourceShape) or ""),
                constraint=local_name(str(results.value(result, SH.sourceConstraintComponent) or "")),
            )
        )
    return violations


def _record_violation(record: Record, message: str) -> Violation:
    if isinstance(record, NodeRecord):
        subject, focus = f"{record.label} {record.key!r}", f"{record.label}/{record.key}"
    else:
        start = f"{record.start_label} {record.start_key!r}"
        subject = f"{record.type} ({start} -> {record.end_label} {record.end_key!r})"
        focus = subject
    sources = record.properties.get("sources") or ()
    location = (sources,) if isinstance(sources, str) else tuple(str(s) for s in sources)
    return Violation(
        focus_node=focus,
        subject=subject,
        path=None,
        value=None,
        severity=Severity.VIOLATION,
        message=message,
        location=location,
        constraint="schema",
    )


def _check_ends(record: RelationshipRecord, schema: GraphSchema) -> str | None:
    rel = schema.relationship(record.type)
    start, end = schema.node(record.start_label), schema.node(record.end_label)
    if not set(start.labels) & set(rel.sources):
        allowed = ", ".join(rel.sources)
        return f"A {record.start_label} cannot start a {record.type} relationship (allowed: {allowed})."
    if not set(end.labels) & set(rel.targets):
        allowed = ", ".join(rel.targets)
        return f"A {record.type} relationship cannot end at a {record.end_label} (allowed: {allowed})."
    return None


def _check_graph_ends(graph: Graph, schema: GraphSchema) -> list[Violation]:
    """Relationships whose typed start or end node is not of an allowed type (``rdfs:domain``/``range``)."""
    labels_of = {n.iri: set(n.labels) for n in schema.nodes.values()}
    problems = []
    for rel in schema.relationships.values():
        predicate = URIRef(rel.iri)
        for start, end in graph.subject_objects(predicate):
            for node, allowed, word in ((start, rel.sources, "start"), (end, rel.targets, "end")):
                types = [str(t) for t in graph.objects(node, RDF.type) if str(t) in labels_of]
                labels = set().union(*(labels_of[t] for t in types)) if types else set()
                if not types or labels & set(allowed):
                    continue
                statements = [
                    st
                    for st in graph.subjects(RDF.subject, start)
                    if graph.value(st, RDF.predicate) == predicate and graph.value(st, RDF.object) == end
                ]
                focus = statements[0] if statements else start
                location = tuple(sorted({loc for st in statements for loc in _sources(graph, st)}))
                problems.append(
                    Violation(
                        focus_node=str(focus),
                        subject=_describe(graph, focus, schema),
                        path=rel.type,
                        value=str(node),
                        severity=Severity.VIOLATION,
                        message=f"{_describe(graph, node, schema)} cannot be the {word} of a {rel.type} "
                        f"relationship (allowed: {', '.join(allowed)}).",
                        location=location or _sources(graph, start),
                        constraint="schema",
                    )
                )
    return problems


def _records_graph(records: Iterable[Record], schema: GraphSchema) -> tuple[Graph, list[Violation]]:
    graph = bind_prefixes(Graph())
    problems = []
    for record in records:
        try:
            if isinstance(record, RelationshipRecord) and (message := _check_ends(record, schema)):
                problems.append(_record_violation(record, message))
                continue
            add_record(graph, record, schema)
        except SchemaError as exc:
            problems.append(_record_violation(record, f"Not part of the ontology: {exc}."))
    return graph, problems


def validate(
    data: Graph | str | os.PathLike[str] | Iterable[Record],
    *,
    format: str | None = None,
    schema: GraphSchema | None = None,
    focus: Iterable[str] | None = None,
) -> ValidationReport:
    """Validate `data` against the shapes and return a `ValidationReport`.

    Parameters
    ----------
    data : rdflib.Graph, path or iterable of records
        An RDF graph, the path of a Turtle (``.ttl``) or JSON-LD (``.jsonld``/``.json``)
        file, or `NodeRecord`/`RelationshipRecord` objects.
    format : str, optional
        RDF format of a file when its suffix does not tell.
    schema : GraphSchema, optional
        Defaults to `load_schema()`.
    focus : iterable of str, optional
        IRIs of the nodes (and relationship statements) to judge; the rest of `data` is
        context that the shapes may read but whose own problems are not reported.  A
        load validates its records this way inside the stored graph around them, and
        pyshacl then evaluates the shapes for the focus nodes only (much faster than
        validating the context and dropping its results).

    Examples
    --------
    >>> from ontology.records import NodeRecord, RelationshipRecord
    >>> report = validate([
    ...     NodeRecord("Country", "NG", {"name": "Nigeria", "sources": ["wb.csv:170"]}),
    ...     RelationshipRecord("LOCATED_IN", "Country", "NG", "Country", "NG", {"sources": ["x"]}),
    ... ])
    >>> report.conforms, report.violations[0].constraint
    (False, 'schema')
    """
    schema = load_schema() if schema is None else schema
    problems: list[Violation] = []
    if isinstance(data, Graph):
        graph = data
    elif isinstance(data, str | os.PathLike):
        graph = read_graph(Path(data), format=format)
    else:
        graph, problems = _records_graph(data, schema)
    problems.extend(_check_graph_ends(graph, schema))
    problems.extend(_run_shacl(graph, schema, None if focus is None else sorted(set(focus))))
    problems.sort(key=lambda v: (v.severity != Severity.VIOLATION, v.subject, v.path or "", v.message))
    conforms = not any(v.severity is Severity.VIOLATION for v in problems)
    return ValidationReport(conforms=conforms, violations=tuple(problems))
