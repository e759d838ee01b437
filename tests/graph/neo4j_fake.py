"""A recording fake of the Neo4j backend's `QueryRunner`: every statement the backend sends,
with its parameters, and no server."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.backends.neo4j import Rows, Statement

__all__ = ["RecordingRunner"]


@dataclass
class RecordingRunner:
    """Records every call; reads answer from `read_answers` (cypher substring → rows).

    `sent` holds ``(cypher, parameter names)`` of every statement, whichever way it went
    (read, stream, write transaction, auto-commit), in order.
    """

    reads: list[tuple[str, dict[str, Any], float | None, int | None]] = field(default_factory=list)
    writes: list[list[Statement]] = field(default_factory=list)
    autocommits: list[str] = field(default_factory=list)
    read_answers: dict[str, Rows] = field(default_factory=dict)
    sent: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    closed: bool = False

    def _send(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        self.sent.append((cypher, tuple(sorted(parameters))))

    def read(
        self, cypher: str, parameters: Mapping[str, Any], *, timeout_s: float | None, row_cap: int | None
    ) -> Rows:
        self._send(cypher, parameters)
        self.reads.append((cypher, dict(parameters), timeout_s, row_cap))
        for needle, answer in self.read_answers.items():
            if needle in cypher:
                return answer
        return ["k"], []

    def write(self, statements: Sequence[Statement], *, timeout_s: float | None = None) -> list[Rows]:
        for st in statements:
            self._send(st.cypher, st.parameters)
        self.writes.append(list(statements))
        return [
            (["n"], [[len(st.parameters.get("rows", st.parameters.get("keys", [1])))]]) for st in statements
        ]

    def autocommit(self, cypher: str, parameters: Mapping[str, Any]) -> None:
        self._send(cypher, parameters)
        self.autocommits.append(cypher)

    def stream(
        self, cypher: str, parameters: Mapping[str, Any], *, fetch_size: int
    ) -> Iterator[tuple[list[str], list[Any]]]:
        self._send(cypher, parameters)
        self.reads.append((cypher, dict(parameters), None, None))
        for needle, (keys, rows) in self.read_answers.items():
            if needle in cypher:
                return iter([(keys, row) for row in rows])
        return iter(())

    def close(self) -> None:
        self.closed = True
