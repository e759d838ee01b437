"""Neo4j's Cypher front end in a Node process: lint statements with Neo4j 5's grammar and
semantic analysis (`@neo4j-cypher/language-support`, pinned by ``package-lock.json`` here).

`CypherFrontEnd` starts ``harness.cjs`` once and talks to it in JSON lines; the tests get
one per session from the ``cypher_front_end`` fixture (``conftest.py``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["HERE", "CypherFrontEnd", "Diagnostic", "installed"]

HERE = Path(__file__).resolve().parent
_PACKAGE = HERE / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"
#: Answers of earlier runs, keyed by the harness, the package lock, the schema and the statement
#: (a second run of the tests does not lint again what it linted before).
CACHE = HERE / "node_modules" / ".lint-cache.json"


def installed() -> str | None:
    """Why the front end cannot run (no ``node``, package not installed), or None."""
    if shutil.which("node") is None:
        return "node is missing (install Node.js >= 20)"
    if not _PACKAGE.exists():
        return "the Cypher front end is not installed (make browser, or scripts/ensure-cypher-lint.sh)"
    return None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of the front end on one statement."""

    severity: str
    message: str
    offsets: tuple[int, int] | None

    def excerpt(self, cypher: str) -> str:
        """The part of `cypher` the diagnostic points at."""
        if self.offsets is None:
            return ""
        return cypher[self.offsets[0] : self.offsets[1]]


class CypherFrontEnd:
    """A long-lived ``node harness.cjs``: `define` schemas, then `lint` statements.

    Answers are cached in `CACHE` (keyed by everything that decides them) when `cache` is set.
    """

    def __init__(self, *, cache: bool = True) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is missing")
        self._proc = subprocess.Popen(
            [node, str(HERE / "harness.cjs")],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.version = json.loads(_PACKAGE.read_text(encoding="utf-8"))["version"]
        self._salt = hashlib.sha256(
            (HERE / "harness.cjs").read_bytes() + (HERE / "package-lock.json").read_bytes()
        ).hexdigest()
        self._schemas: dict[str, str] = {}
        self._use_cache = cache
        self._cache: dict[str, list[list[Any]]] = {}
        self._dirty = False
        if cache and CACHE.exists():
            try:
                self._cache = json.loads(CACHE.read_text(encoding="utf-8"))
            except ValueError:
                self._cache = {}

    def _ask(self, request: Mapping[str, Any]) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the Cypher front end exited ({self._proc.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def define(
        self, name: str, schema: Mapping[str, Any], *, neo4j_procedures: bool, neo4j_functions: bool = True
    ) -> None:
        """Keep a database schema (labels, types, property keys, procedures, functions) as
        `name`, adding Neo4j 5's procedures and functions (the package's registry) if asked."""
        registry = "neo4j5" if neo4j_procedures else "neo4j5-functions" if neo4j_functions else None
        request = {"define": name, "schema": dict(schema), "registry": registry}
        self._ask(request)
        self._schemas[name] = json.dumps(request, sort_keys=True)

    def names(self, schema: str) -> list[str]:
        """The procedure and function names of a defined schema."""
        return list(self._ask({"procedures": schema})["names"])

    def lint(self, cypher: str, parameters: Iterable[str], *, schema: str) -> list[Diagnostic]:
        """Diagnostics of one statement with `parameters` declared."""
        request = {"query": cypher, "schema": schema, "parameters": sorted(parameters)}
        key = hashlib.sha256(
            "\0".join([self._salt, self._schemas[schema], json.dumps(request)]).encode()
        ).hexdigest()
        found = self._cache.get(key) if self._use_cache else None
        if found is None:
            answer = self._ask(request)
            found = [[d["severity"], d["message"], d["offsets"]] for d in answer["diagnostics"]]
            self._cache[key] = found
            self._dirty = True
        return [Diagnostic(sev, msg, (off[0], off[1]) if off else None) for sev, msg, off in found]

    def close(self) -> None:
        """End the Node process; keep the new answers in `CACHE`."""
        if self._use_cache and self._dirty:
            tmp = CACHE.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._cache), encoding="utf-8")
            tmp.replace(CACHE)
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
