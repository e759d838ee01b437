#!/usr/bin/env bash
# Install Neo4j's Cypher front end (@neo4j-cypher/language-support, pinned by
# tests/neo4j_lint/package-lock.json) for the dialect tests of the graph backends.
# Idempotent: `npm ci` runs only when node_modules does not match the lock file.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../tests/neo4j_lint" && pwd)"
stamp="$dir/node_modules/.transfernet-lock.sha256"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: the Neo4j dialect tests will be skipped (install Node.js >= 20)." >&2
  exit 0
fi
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "installing Neo4j's Cypher front end (npm ci in tests/neo4j_lint)…"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "$want" >"$stamp"
