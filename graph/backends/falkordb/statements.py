"""FalkorDB's own write statements: relationships by internal id, and the single-query upsert.

FalkorDB plans ``NodeByIdSeek`` for ``WHERE id(a) = i`` on a variable, so a batched
relationship upsert fetches the ends' internal ids once (`graph.backends.falkordb.ends`)
and sends them with the rows; a small atomic upsert is one query (`single_query`), which
the server's undo log rolls back as a whole on failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.cypher.grouping import NodeGroup, RelGroup
from graph.cypher.identifiers import ident, labels_clause
from graph.cypher.statements import node_upsert_cypher, rel_upsert_cypher

__all__ = ["id_rows", "rel_by_id_cypher", "single_query"]


def rel_by_id_cypher(group: RelGroup) -> str:
    """UNWIND + MERGE of one relationship group whose ends are given by internal id.

    Rows are ``[start id, end id, start key, end key, props, sources, discriminator]``
    (``WITH`` first: FalkorDB plans ``NodeByIdSeek`` only for a variable).

    Examples
    --------
    >>> from ontology.schema import NodeType, RelationshipType
    >>> c = NodeType(label="Country", iri="urn:c", key="code", key_label="Country", labels=("Country",))
    >>> rt = RelationshipType(type="BORDERS", iri="urn:b", sources=("Country",), targets=("Country",))
    >>> print(rel_by_id_cypher(RelGroup(rt, c, c)))
    UNWIND $rows AS r WITH r, r[0] AS i, r[1] AS j
    MATCH (a) WHERE id(a) = i AND a.`code` = r[2]
    MATCH (b) WHERE id(b) = j AND b.`code` = r[3]
    MERGE (a)-[x:`BORDERS`]->(b)
    SET x += r[4], x.sources = coalesce(x.sources, []) + [s IN r[5] WHERE NOT s IN coalesce(x.sources, [])]
    """
    disc = ", ".join(f"{ident(name)}: r[6].{ident(name)}" for name in group.discriminator)
    disc_map = f" {{{disc}}}" if disc else ""
    return "\n".join(
        [
            "UNWIND $rows AS r WITH r, r[0] AS i, r[1] AS j",
            f"MATCH (a) WHERE id(a) = i AND a.{ident(group.start.key)} = r[2]",
            f"MATCH (b) WHERE id(b) = j AND b.{ident(group.end.key)} = r[3]",
            f"MERGE (a)-[x{labels_clause([group.rel_type.type])}{disc_map}]->(b)",
            "SET x += r[4], x.sources = coalesce(x.sources, [])"
            " + [s IN r[5] WHERE NOT s IN coalesce(x.sources, [])]",
        ]
    )


def id_rows(group: RelGroup, id_s: Mapping[Any, int], id_e: Mapping[Any, int]) -> list[list[Any]]:
    """The rows of `rel_by_id_cypher` for `group`, its ends' internal ids from `id_s`/`id_e`;
    a row with an end missing there is left out."""
    rows = []
    for row in group.rows.values():
        a, b = id_s.get(row["s"]), id_e.get(row["e"])
        if a is None or b is None:
            continue
        rows.append([a, b, row["s"], row["e"], row["p"], row["src"], row.get("d")])
    return rows


def single_query(
    ngroups: Mapping[str, NodeGroup],
    rgroups: Mapping[tuple[str, str, str], RelGroup],
    ids: Mapping[str, Mapping[Any, int]],
) -> tuple[str, dict[str, Any]] | None:
    """One query upserting every group, and its parameters (None when there is nothing to write).

    Relationship groups whose ends are all in `ids` (internal ids by end label) find them
    by id.  A row whose ends vanished since they were checked makes the query divide by
    zero, so the server rolls the whole query back.
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    for i, ng in enumerate(ngroups.values()):
        params[f"n{i}"] = ng.param_rows()
        cypher = node_upsert_cypher(ng.node_type, f"n{i}", create_apart=True, fill=ng.fill, longer=ng.longer)
        parts.append(f"{cypher}\nWITH count(*) AS _n{i}")
    for j, rg in enumerate(rgroups.values()):
        id_s, id_e = ids.get(rg.start.label, {}), ids.get(rg.end.label, {})
        rows = rg.param_rows()
        if all(r["s"] in id_s and r["e"] in id_e for r in rows):
            # both ends stored: found by id, not by an index lookup per row
            params[f"r{j}"] = [
                [id_s[r["s"]], id_e[r["e"]], r["s"], r["e"], r["p"], r["src"], r.get("d")] for r in rows
            ]
            cypher = rel_by_id_cypher(rg).replace("$rows", f"$r{j}", 1)
        else:
            params[f"r{j}"] = rows
            cypher = rel_upsert_cypher(rg, f"r{j}")
        params[f"x{j}"] = len(rg.rows)
        parts.append(
            f"{cypher}\nWITH count(*) AS _c{j}\n"
            f"WITH 1 / (CASE WHEN _c{j} >= $x{j} THEN 1 ELSE 0 END) AS _ok{j}"
        )
    if not parts:
        return None
    return "\n".join(parts) + "\nRETURN 1", params
