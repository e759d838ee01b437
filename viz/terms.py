"""The ontology's names of properties, relationship types and lifecycle stages, in English and Chinese.

The explorer's side panel names a node's properties and its lifecycle stage, and its tooltips name
relationship types, in the reader's language (the Chinese edition: ``nameZh`` is 中文名称, the stage
``planned`` is 筹建); the names come from the Turtle files (``sh:name`` of the shapes, else
``rdfs:label``; a stage's ``skos:prefLabel`` in ``tn:lifecycleStages``), like the legend's names of
node types.

``results`` are the properties an analysis run writes back onto the actors it scored: the paths of
``tn:AnalysisResultsShape`` (where the ontology defines them), so the side panel shows them with the
node's analysis, apart from the node's own properties.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib.namespace import SH

from ontology.concepts import concept_labels
from ontology.resources import shapes_graph
from ontology.schema import GraphSchema
from ontology.vocab import TN

__all__ = ["Term", "result_iris", "terms"]


@dataclass(frozen=True, slots=True)
class Term:
    """A property or relationship type as a reader sees it named."""

    en: str
    zh: str


@cache
def result_iris() -> frozenset[str]:
    """IRIs of the properties an analysis run writes back onto actors: the ``sh:path`` of every
    property shape of ``tn:AnalysisResultsShape``.

    Examples
    --------
    >>> str(TN.brokerageTotal) in result_iris() and str(TN.name) not in result_iris()
    True
    """
    graph = shapes_graph()
    return frozenset(
        str(graph.value(p, SH.path)) for p in graph.objects(TN.AnalysisResultsShape, SH.property)
    )


def terms(schema: GraphSchema) -> dict[str, dict[str, Term]]:
    """``{"properties": {name: Term}, "relationships": {type: Term}, "stages": {notation: Term},
    "results": {name: Term}}`` of `schema` and of the ontology's lifecycle stages
    (`ontology.concepts.concept_labels`); ``results``: the properties of `schema` that analysis runs
    write back (`result_iris`), in the schema's order.

    A property named differently on different node types (an ISO code's ``sh:name``)
    keeps the first name met, types in label order: the panel names the key, not the
    constraint.

    Examples
    --------
    >>> from ontology.schema import NodeType, PropertySpec
    >>> name_zh = PropertySpec("nameZh", "urn:z", label_en="Chinese name", label_zh="中文名称")
    >>> schema = GraphSchema.build([NodeType("C", "urn:c", "id", "C", ("C",), (name_zh,))], [])
    >>> terms(schema)["properties"]["nameZh"]
    Term(en='Chinese name', zh='中文名称')
    >>> terms(schema)["stages"]["agreed"]
    Term(en='agreed (MoU signed)', zh='已签约')
    >>> terms(schema)["results"]
    {}
    """
    properties: dict[str, Term] = {}
    results: dict[str, Term] = {}
    written_back = result_iris()
    for label in sorted(schema.nodes):
        for spec in schema.nodes[label].properties:
            properties.setdefault(spec.name, Term(spec.label_en or spec.name, spec.label_zh))
            if spec.iri in written_back:
                results.setdefault(spec.name, properties[spec.name])
    relationships: dict[str, Term] = {}
    for rel_type in sorted(schema.relationships):
        rel = schema.relationships[rel_type]
        relationships[rel_type] = Term(rel.label_en or rel_type, rel.label_zh)
        for spec in rel.properties:
            properties.setdefault(spec.name, Term(spec.label_en or spec.name, spec.label_zh))
    stages = {
        notation: Term(labels.get("en", notation), labels.get("zh", ""))
        for notation, labels in concept_labels("lifecycleStages").items()
    }
    return {"properties": properties, "relationships": relationships, "stages": stages, "results": results}
