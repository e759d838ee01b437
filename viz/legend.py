"""Colours and shapes of node types, derived from the ontology's class hierarchy.

Each class hierarchy (a root class such as Institution) gets its own shape and hue;
its subclasses get lighter or darker tones of that hue, so a bilateral centre looks
related to a national centre.  The mapping is deterministic: the same ontology gives
the same legend in the explorer, the exported HTML and the reports.
"""

from __future__ import annotations

import colorsys
from collections import defaultdict
from dataclasses import dataclass

from ontology.schema import GraphSchema, NodeType

__all__ = ["SHAPES", "LegendEntry", "legend"]

#: vis-network shapes that draw the label below the node (so names stay readable).
SHAPES: tuple[str, ...] = ("dot", "diamond", "square", "triangle", "star", "hexagon", "triangleDown")


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """How one node type is drawn."""

    label: str
    root: str
    label_en: str
    label_zh: str
    color: str
    shape: str
    depth: int


def _hex(h: float, lightness: float, saturation: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def legend(schema: GraphSchema) -> dict[str, LegendEntry]:
    """Legend entries for every node type of `schema`, keyed by label.

    Examples
    --------
    >>> from ontology.schema import NodeType
    >>> types = [
    ...     NodeType("Country", "urn:c", "id", "Country", ("Country",)),
    ...     NodeType("Institution", "urn:i", "id", "Institution", ("Institution",)),
    ...     NodeType("Centre", "urn:t", "id", "Institution", ("Centre", "Institution")),
    ... ]
    >>> entries = legend(GraphSchema.build(types, []))
    >>> entries["Centre"].shape == entries["Institution"].shape != entries["Country"].shape
    True
    >>> entries["Centre"].color != entries["Institution"].color
    True
    """
    by_root: dict[str, list[NodeType]] = defaultdict(list)
    for node_type in schema.nodes.values():
        by_root[node_type.key_label].append(node_type)
    roots = sorted(by_root)
    entries: dict[str, LegendEntry] = {}
    for i, root in enumerate(roots):
        hue = (i / max(len(roots), 1) + 0.58) % 1.0
        members = sorted(by_root[root], key=lambda n: (len(n.labels), n.label))
        for j, node_type in enumerate(members):
            # Root at medium lightness; descendants step lighter/darker alternately.
            step = (j + 1) // 2 * (1 if j % 2 else -1)
            lightness = min(0.8, max(0.25, 0.45 + 0.09 * step))
            entries[node_type.label] = LegendEntry(
                label=node_type.label,
                root=root,
                label_en=node_type.label_en or node_type.label,
                label_zh=node_type.label_zh,
                color=_hex(hue, lightness, 0.65),
                shape=SHAPES[i % len(SHAPES)],
                depth=len(node_type.labels) - 1,
            )
    return entries
