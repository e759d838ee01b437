"""Projection reads in pages of internal ids: node rows, edge rows and key rows for analytics.

FalkorDB has no cursors (a query is one reply), so a projection of a large graph is
read in ranges of internal ids (``WHERE id(n) >= $lo AND id(n) < $hi``), one query per
range, each reply decoded from ``--compact`` cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from graph.backends.falkordb.replies import RawQuery, decode_compact
from graph.cypher.identifiers import ident, labels_clause
from ontology.schema import GraphSchema

__all__ = ["PAGE", "edge_rows", "key_rows", "node_rows", "pages"]

#: Internal-id range per projection query.
PAGE = 200_000


def _label_filter(schema: GraphSchema, labels: Sequence[str] | None) -> str:
    if not labels:
        return ""
    return " AND (" + " OR ".join(f"n{labels_clause([schema.check_label(lb)])}" for lb in labels) + ")"


def _max_id(raw: RawQuery) -> int:
    rows = raw("MATCH (n) RETURN max(id(n))")
    value = rows[0][0][1] if rows else None
    return int(value) if value is not None else -1


def pages(raw: RawQuery) -> Iterator[tuple[int, int]]:
    """``(lo, hi)`` internal-id ranges covering every node."""
    top = _max_id(raw)
    for lo in range(0, top + 1, PAGE):
        yield lo, lo + PAGE


def node_rows(
    raw: RawQuery, schema: GraphSchema, labels: Sequence[str] | None, graph: Any
) -> Iterator[tuple[int, list[str], dict[str, Any]]]:
    """``(internal id, labels, properties)`` of the nodes carrying one of `labels` (all without)."""
    flt = _label_filter(schema, labels)
    cypher = f"MATCH (n) WHERE id(n) >= $lo AND id(n) < $hi{flt} RETURN id(n), labels(n), properties(n)"
    for lo, hi in pages(raw):
        for cid, clabels, cprops in raw(cypher, {"lo": lo, "hi": hi}):
            yield int(cid[1]), [v[1] for v in clabels[1]], decode_compact(cprops, graph)


def edge_rows(
    raw: RawQuery, schema: GraphSchema, rel_types: Sequence[str] | None, graph: Any, *, with_props: bool
) -> Iterator[tuple[int, int, str, dict[str, Any]]]:
    """``(start id, end id, type, properties)`` of the relationships of `rel_types` (all without);
    properties are empty unless `with_props`."""
    types = [schema.check_type(t) for t in rel_types] if rel_types else list(schema.relationships)
    empty: dict[str, Any] = {}
    id_pages = list(pages(raw))
    for rel_type in types:
        pattern = labels_clause([rel_type])
        ret = "id(a), id(b), properties(r)" if with_props else "id(a), id(b)"
        cypher = f"MATCH (a)-[r{pattern}]->(b) WHERE id(a) >= $lo AND id(a) < $hi RETURN {ret}"
        for lo, hi in id_pages:
            if with_props:
                for ca, cb, cp in raw(cypher, {"lo": lo, "hi": hi}):
                    yield ca[1], cb[1], rel_type, decode_compact(cp, graph)
            else:
                for a, b in raw(cypher, {"lo": lo, "hi": hi}, compact=False):
                    yield a, b, rel_type, empty


def key_rows(
    raw: RawQuery, schema: GraphSchema, labels: Sequence[str] | None
) -> list[tuple[int, list[str], dict[str, Any]]]:
    """``(internal id, labels, {key: value})`` of the nodes carrying one of `labels` (all
    without): only the key, read per key label (the fast path of `to_arrays`)."""
    wanted = {schema.check_label(lb) for lb in labels} if labels else None
    out: list[tuple[int, list[str], dict[str, Any]]] = []
    for key_label in sorted(schema.key_labels):
        nt = schema.nodes[key_label]
        cypher = f"MATCH (n{labels_clause([key_label])}) RETURN id(n), labels(n), n.{ident(nt.key)}"
        for cid, clabels, ckey in raw(cypher):
            lbs = [v[1] for v in clabels[1]]
            if wanted is not None and not wanted & set(lbs):
                continue
            out.append((cid[1], lbs, {nt.key: ckey[1]}))
    return out
