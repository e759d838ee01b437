"""Which schema node type a stored node is, from its labels (no numpy: the query path uses it)."""

from __future__ import annotations

from collections.abc import Iterable

from ontology.schema import GraphSchema, NodeType

__all__ = ["node_type_of"]


def node_type_of(schema: GraphSchema, labels: Iterable[str]) -> NodeType | None:
    """The most specific schema node type among `labels` (``None`` if none is known).

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> i = NodeType(label="Institution", iri="urn:i", key="id", key_label="Institution",
    ...              labels=("Institution",))
    >>> t = NodeType(label="TransferCentre", iri="urn:t", key="id", key_label="Institution",
    ...              labels=("TransferCentre", "Institution"))
    >>> node_type_of(GraphSchema.build([i, t], []), ["Institution", "TransferCentre"]).label
    'TransferCentre'
    """
    best: NodeType | None = None
    for label in labels:
        nt = schema.nodes.get(label)
        if nt is not None and (best is None or len(nt.labels) > len(best.labels)):
            best = nt
    return best
