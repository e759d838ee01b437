"""Decisions that two institution records are one organisation (merge) or two (keep apart).

A decision is a relationship, never a rewrite of the records: ``SAME_AS`` (merge) or
``DISTINCT_FROM`` (keep apart) from the record with the smaller key to the other, with
the rule and score that proposed the pair, who decided, when (UTC) and why (``note``).
The records stay as their sources wrote them, so a decision is undone by removing its
link (`undo`); a new decision on a pair replaces the old one.  `read_decisions` gives
the duplicate finding the pairs already decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from graph.cypher.identifiers import ident
from graph.errors import StoreError
from graph.store import GraphStore
from ontology.records import RelationshipRecord
from ontology.vocab import NodeLabel, PropertyName, RelType

__all__ = ["Decision", "Verdict", "decide", "read_decisions", "undo"]

Verdict = Literal["same", "distinct"]

_TYPES: dict[str, str] = {"same": RelType.SAME_AS, "distinct": RelType.DISTINCT_FROM}


@dataclass(frozen=True, slots=True)
class Decision:
    """A recorded decision on a pair of institutions (``a`` < ``b``)."""

    a: str
    b: str
    verdict: Verdict
    rule: str
    score: float | None
    decided_by: str
    decided_at: str
    note: str


def _pair(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise ValueError("a decision needs two different institutions")
    return (a, b) if a < b else (b, a)


def _require(store: GraphStore, keys: tuple[str, str]) -> None:
    rows = store.query(
        f"UNWIND $keys AS k MATCH (n:{ident(NodeLabel.INSTITUTION)}) WHERE n.id = k RETURN n.id AS k",
        {"keys": list(keys)},
        row_cap=2,
    )
    missing = set(keys) - {r["k"] for r in rows}
    if missing:
        raise StoreError(f"no institution with key {', '.join(sorted(missing))}")


def decide(
    store: GraphStore,
    a: str,
    b: str,
    verdict: Verdict,
    *,
    decided_by: str,
    note: str,
    rule: str = "manual",
    score: float | None = None,
) -> Decision:
    """Record that institutions `a` and `b` are one organisation (``same``) or two
    (``distinct``), replacing an earlier decision on the pair."""
    if verdict not in _TYPES:
        raise ValueError(f"verdict must be 'same' or 'distinct', not {verdict!r}")
    if not decided_by.strip() or not note.strip():
        raise ValueError("a decision needs who decided and why")
    first, second = _pair(a, b)
    _require(store, (first, second))
    undo(store, first, second)
    at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    props: dict[str, object] = {
        PropertyName.MATCH_RULE: rule,
        PropertyName.DECIDED_BY: decided_by.strip(),
        PropertyName.DECIDED_AT: at,
        PropertyName.NOTE: note.strip(),
        PropertyName.SOURCES: [f"decision by {decided_by.strip()} at {at}"],
    }
    if score is not None:
        props[PropertyName.MATCH_SCORE] = float(score)
    inst = NodeLabel.INSTITUTION
    store.upsert_relationships([RelationshipRecord(_TYPES[verdict], inst, first, inst, second, props)])
    return Decision(first, second, verdict, rule, score, decided_by.strip(), at, note.strip())


def undo(store: GraphStore, a: str, b: str) -> int:
    """Remove the decisions on the pair (either direction); return how many were removed."""
    first, second = _pair(a, b)
    inst = NodeLabel.INSTITUTION
    removed = 0
    for rel_type in _TYPES.values():
        for start, end in ((first, second), (second, first)):
            removed += store.delete_relationships(rel_type, inst, start, inst, end)
    return removed


def read_decisions(store: GraphStore) -> list[Decision]:
    """Every recorded decision, ordered by pair."""
    inst = ident(NodeLabel.INSTITUTION)
    types = "|".join(ident(t) for t in _TYPES.values())
    rows = store.query(
        f"MATCH (a:{inst})-[r:{types}]->(b:{inst}) "
        "RETURN a.id AS a, b.id AS b, type(r) AS t, properties(r) AS p",
        {},
        row_cap=1_000_000,
    )
    verdicts = {t: v for v, t in _TYPES.items()}
    out = []
    for row in rows:
        p = row["p"] if isinstance(row["p"], dict) else {}
        if row["a"] == row["b"] or row["t"] not in verdicts:  # a loop a write could not have made
            continue
        first, second = _pair(str(row["a"]), str(row["b"]))
        score = p.get(PropertyName.MATCH_SCORE)
        out.append(
            Decision(
                first,
                second,
                verdicts[row["t"]],  # type: ignore[arg-type]
                str(p.get(PropertyName.MATCH_RULE, "manual")),
                float(score) if isinstance(score, int | float) else None,
                str(p.get(PropertyName.DECIDED_BY, "")),
                str(p.get(PropertyName.DECIDED_AT, "")),
                str(p.get(PropertyName.NOTE, "")),
            )
        )
    return sorted(out, key=lambda d: (d.a, d.b))
