"""The ontology's names of properties and relationship types, in English and Chinese.

The explorer's side panel names a node's properties and its tooltips name relationship
types in the reader's language (the Chinese edition: ``nameZh`` is 中文名称); the names
come from the Turtle files (``sh:name`` of the shapes, else ``rdfs:label``), like the
legend's names of node types.
"""

from __future__ import annotations

from dataclasses import dataclass

from ontology.schema import GraphSchema

__all__ = ["Term", "terms"]


@dataclass(frozen=True, slots=True)
class Term:
    """A property or relationship type as a reader sees it named."""

    en: str
    zh: str


def terms(schema: GraphSchema) -> dict[str, dict[str, Term]]:
    """``{"properties": {name: Term}, "relationships": {type: Term}}`` of `schema`.

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
    """
    properties: dict[str, Term] = {}
    for label in sorted(schema.nodes):
        for spec in schema.nodes[label].properties:
            properties.setdefault(spec.name, Term(spec.label_en or spec.name, spec.label_zh))
    relationships: dict[str, Term] = {}
    for rel_type in sorted(schema.relationships):
        rel = schema.relationships[rel_type]
        relationships[rel_type] = Term(rel.label_en or rel_type, rel.label_zh)
        for spec in rel.properties:
            properties.setdefault(spec.name, Term(spec.label_en or spec.name, spec.label_zh))
    return {"properties": properties, "relationships": relationships}
