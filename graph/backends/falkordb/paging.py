"""Projection reads in pages of internal ids: node rows, edge rows and key rows for analytics.

FalkorDB has no cursors (a query is one reply), so a projection of a large graph is
read in ranges of internal ids (``WHERE id(n) >= $lo AND id(n) < $hi``), one query per
range, each reply decoded from ``--compact`` cells.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from graph.backends.falkordb.replies import RawQuery, decode_compact
from graph.cypher.identifiers import ident, labels_clause
from ontology.schema import GraphSchema

__all__ = ["PAGE", "edge_rows", "key_rows", "node_rows", "pages", "type_count"]

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
    raw: RawQuery,
    schema: GraphSchema,
    labels: Sequence[str] | None,
    graph: Any,
    skip: Collection[str] = (),
) -> Iterator[tuple[int, list[str], dict[str, Any]]]:
    """``(internal id, labels, properties)`` of the nodes carrying one of `labels` (all without),
    the properties named in `skip` left out by the server (not sent, not decoded)."""
    flt = _label_filter(schema, labels)
    props = "[k IN keys(n) WHERE NOT k IN $skip | [k, n[k]]]" if skip else "properties(n)"
    cypher = f"MATCH (n) WHERE id(n) >= $lo AND id(n) < $hi{flt} RETURN id(n), labels(n), {props}"
    params: dict[str, Any] = {"skip": sorted(skip)} if skip else {}
    for lo, hi in pages(raw):
        rows = raw(cypher, {"lo": lo, "hi": hi, **params})
        if skip:  # a list of [key, value] lists, each a compact cell
            for cid, clabels, cpairs in rows:
                pairs = (pair[1] for pair in cpairs[1])
                decoded = {k[1]: decode_compact(v, graph) for k, v in pairs}
                yield int(cid[1]), [v[1] for v in clabels[1]], decoded
        else:
            for cid, clabels, cprops in rows:
                yield int(cid[1]), [v[1] for v in clabels[1]], decode_compact(cprops, graph)


def type_count(raw: RawQuery, pattern: str) -> int:
    """How many relationships match `pattern` (a type clause such as ``:`LOCATED_IN```)."""
    rows = raw(f"MATCH ()-[r{pattern}]->() RETURN count(r)", compact=False)
    return int(rows[0][0]) if rows else 0


def edge_rows(
    raw: RawQuery, schema: GraphSchema, rel_types: Sequence[str] | None, graph: Any
) -> Iterator[tuple[int, int, str, dict[str, Any]]]:
    """``(start id, end id, type, properties)`` of the relationships of `rel_types` (of every
    type when None), every relationship once, parallel ones included, each type read from
    every node (the decoding of the properties dominates).  The relationships without their
    properties: `graph.backends.falkordb.edge_scan.edge_columns`.

    The relationship's id is always returned: when ``r`` is not referenced, FalkorDB reads the
    pattern from the adjacency matrix and returns two relationships of the same type between
    the same nodes as one row.
    """
    types = [schema.check_type(t) for t in rel_types] if rel_types else list(schema.relationships)
    id_pages = list(pages(raw))
    for rel_type in types:
        pattern = labels_clause([rel_type])
        if not type_count(raw, pattern):
            continue
        cypher = (
            f"MATCH (a)-[r{pattern}]->(b) WHERE id(a) >= $lo AND id(a) < $hi "
            "RETURN id(a), id(b), id(r), properties(r)"
        )
        for lo, hi in id_pages:
            for ca, cb, _cr, cp in raw(cypher, {"lo": lo, "hi": hi}):
                yield ca[1], cb[1], rel_type, decode_compact(cp, graph)


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
