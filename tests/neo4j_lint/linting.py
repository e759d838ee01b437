"""What the dialect tests share: the front end's view of the schema, linting many statements,
readable findings, and the warnings accepted on every backend."""

from __future__ import annotations

from collections import defaultdict

from ontology.schema import GraphSchema
from tests.neo4j_lint.frontend import CypherFrontEnd, Diagnostic

__all__ = ["ACCEPTED_WARNINGS", "db_schema", "lint_all", "report"]

#: Warnings of Neo4j's front end on the backend's statements that are accepted:
#: (message pattern, reason).  An entry that matches nothing fails the test too.
ACCEPTED_WARNINGS: list[tuple[str, str]] = [
    (
        r"^[se] is not present in the database\.",
        "`r.s` and `r.e` are the start and end keys in the rows of `UNWIND $rows AS r` (a map), "
        "not properties of a node: the front end, given the database's property keys, cannot "
        "tell a map from a node and warns about every key it does not know",
    ),
]


def db_schema(schema: GraphSchema) -> dict[str, list[str]]:
    """Labels, relationship types and property keys of `schema` as the front end takes them."""
    labels = sorted({lb for nt in schema.nodes.values() for lb in nt.labels})
    props = {p.name for nt in schema.nodes.values() for p in nt.properties}
    props |= {p.name for rt in schema.relationships.values() for p in rt.properties}
    props |= {nt.key for nt in schema.nodes.values()} | {"sources"}
    return {
        "labels": labels,
        "relationshipTypes": sorted(schema.relationships),
        "propertyKeys": sorted(props),
    }


def lint_all(
    front: CypherFrontEnd, statements: dict[str, set[str]], schema: str
) -> list[tuple[str, Diagnostic]]:
    return [
        (cypher, d)
        for cypher, params in sorted(statements.items())
        for d in front.lint(cypher, params, schema=schema)
    ]


def report(found: list[tuple[str, Diagnostic]]) -> str:
    """The findings grouped by message: how many statements, the first one in full."""
    groups: dict[tuple[str, str], list[tuple[str, Diagnostic]]] = defaultdict(list)
    for cypher, d in found:
        groups[(d.severity, d.message)].append((cypher, d))
    return "\n\n".join(
        f"{sev}: {msg} ({len(items)}x) [{items[0][1].excerpt(items[0][0])!r}]\n  in: {items[0][0]}"
        for (sev, msg), items in sorted(groups.items())
    )
