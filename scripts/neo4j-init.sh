#!/usr/bin/env bash
# Create the read-only user of the API (run once by docker compose's neo4j-init service).
set -euo pipefail
shell() { cypher-shell -a neo4j://neo4j:7687 -u neo4j -p "$NEO4J_PASSWORD" -d system "$@"; }
shell --param "pw => '$NEO4J_READ_PASSWORD'" \
  "CREATE USER reader IF NOT EXISTS SET PASSWORD \$pw CHANGE NOT REQUIRED"
# Enterprise only: restrict the user to reading. Community has no roles (reads stay READ-mode enforced).
if shell "CALL dbms.components() YIELD edition RETURN edition" | grep -qi enterprise; then
  shell "GRANT ROLE reader TO reader"
else
  echo "Neo4j Community: role grants unavailable; untrusted Cypher runs in READ access mode."
fi
