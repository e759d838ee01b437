"""FalkorDB's procedures as Neo4j's front end takes a registry (``Neo4jProcedure`` records).

From FalkorDB's documentation: https://docs.falkordb.com/cypher/procedures (schema,
full-text and vector indexes) and https://docs.falkordb.com/algorithms (``algo.*``).
Argument and yield types are given as FalkorDB documents them, in Neo4j's type names.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FALKORDB_PROCEDURES", "falkordb_registry"]

#: name -> (mode, arguments as (name, type), yields as (name, type), description)
FALKORDB_PROCEDURES: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str]], str]] = {
    "db.labels": ("READ", [], [("label", "STRING")], "All node labels in the graph."),
    "db.relationshipTypes": ("READ", [], [("relationshipType", "STRING")], "All relationship types."),
    "db.propertyKeys": ("READ", [], [("propertyKey", "STRING")], "All property keys."),
    "db.meta.stats": (
        "READ",
        [],
        [
            ("labels", "MAP"),
            ("relTypes", "MAP"),
            ("relCount", "INTEGER"),
            ("nodeCount", "INTEGER"),
            ("labelCount", "INTEGER"),
            ("relTypeCount", "INTEGER"),
            ("propertyKeyCount", "INTEGER"),
        ],
        "Graph statistics.",
    ),
    "db.indexes": (
        "READ",
        [],
        [
            ("label", "STRING"),
            ("properties", "LIST<STRING>"),
            ("types", "MAP"),
            ("options", "MAP"),
            ("language", "STRING"),
            ("stopwords", "LIST<STRING>"),
            ("entitytype", "STRING"),
            ("status", "STRING"),
            ("info", "MAP"),
        ],
        "All indexes (RANGE, FULLTEXT, VECTOR).",
    ),
    "db.constraints": (
        "READ",
        [],
        [
            ("type", "STRING"),
            ("label", "STRING"),
            ("properties", "LIST<STRING>"),
            ("entitytype", "STRING"),
            ("status", "STRING"),
        ],
        "All constraints (UNIQUE, MANDATORY) and their status.",
    ),
    "dbms.procedures": ("DBMS", [], [("name", "STRING"), ("mode", "STRING")], "All procedures."),
    "db.idx.fulltext.createNodeIndex": (
        "SCHEMA",
        [("label", "ANY"), ("property", "STRING")],
        [],
        "Create a full-text index on nodes of a label.",
    ),
    "db.idx.fulltext.drop": ("SCHEMA", [("label", "STRING")], [], "Drop a full-text index."),
    "db.idx.fulltext.queryNodes": (
        "READ",
        [("label", "STRING"), ("query", "STRING")],
        [("node", "NODE"), ("score", "FLOAT")],
        "Full-text query of the nodes of a label.",
    ),
    "db.idx.fulltext.queryRelationships": (
        "READ",
        [("relationshipType", "STRING"), ("query", "STRING")],
        [("relationship", "RELATIONSHIP"), ("score", "FLOAT")],
        "Full-text query of the relationships of a type.",
    ),
    "db.idx.vector.queryNodes": (
        "READ",
        [("label", "STRING"), ("attribute", "STRING"), ("k", "INTEGER"), ("query", "ANY")],
        [("node", "NODE"), ("score", "FLOAT")],
        "Vector (k nearest neighbours) query of the nodes of a label.",
    ),
    "db.idx.vector.queryRelationships": (
        "READ",
        [("relationshipType", "STRING"), ("attribute", "STRING"), ("k", "INTEGER"), ("query", "ANY")],
        [("relationship", "RELATIONSHIP"), ("score", "FLOAT")],
        "Vector query of the relationships of a type.",
    ),
    "algo.pageRank": (
        "READ",
        [("label", "STRING"), ("relationshipType", "STRING")],
        [("node", "NODE"), ("score", "FLOAT")],
        "PageRank of the nodes of a label over a relationship type.",
    ),
    "algo.BFS": (
        "READ",
        [("sourceNode", "NODE"), ("maxLevel", "INTEGER"), ("relationshipType", "STRING")],
        [("nodes", "LIST<NODE>"), ("edges", "LIST<RELATIONSHIP>")],
        "Breadth-first search from a node.",
    ),
    "algo.SPpaths": (
        "READ",
        [("config", "MAP")],
        [("path", "PATH"), ("pathWeight", "FLOAT"), ("pathCost", "FLOAT")],
        "Shortest paths between a source and a target.",
    ),
    "algo.SSpaths": (
        "READ",
        [("config", "MAP")],
        [("path", "PATH"), ("pathWeight", "FLOAT"), ("pathCost", "FLOAT")],
        "Paths from a single source.",
    ),
    "algo.MSF": (
        "READ",
        [("config", "MAP")],
        [("src", "NODE"), ("dest", "NODE"), ("weight", "FLOAT"), ("edge", "RELATIONSHIP")],
        "Minimum spanning forest.",
    ),
    "algo.WCC": (
        "READ",
        [("config", "MAP")],
        [("node", "NODE"), ("componentId", "INTEGER")],
        "Weakly connected components.",
    ),
    "algo.betweenness": (
        "READ",
        [("config", "MAP")],
        [("node", "NODE"), ("score", "FLOAT")],
        "Betweenness centrality.",
    ),
    "algo.labelPropagation": (
        "READ",
        [("config", "MAP")],
        [("node", "NODE"), ("communityId", "INTEGER")],
        "Community detection by label propagation (CDLP).",
    ),
}


def _field(name: str, type_: str) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": name, "isDeprecated": False}


def falkordb_registry() -> dict[str, dict[str, Any]]:
    """`FALKORDB_PROCEDURES` as a front-end registry: ``{"CYPHER 5": {name: procedure}}``."""
    out = {}
    for name, (mode, args, yields, description) in FALKORDB_PROCEDURES.items():
        arg_text = ", ".join(f"{a} :: {t}" for a, t in args)
        yield_text = ", ".join(f"{y} :: {t}" for y, t in yields)
        out[name] = {
            "name": name,
            "description": description,
            "mode": mode,
            "worksOnSystem": False,
            "signature": f"{name}({arg_text})" + (f" :: ({yield_text})" if yields else ""),
            "argumentDescription": [_field(a, t) for a, t in args],
            "returnDescription": [_field(y, t) for y, t in yields],
            "admin": False,
            "option": {"deprecated": False},
        }
    return {"CYPHER 5": out}
