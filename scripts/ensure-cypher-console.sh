#!/usr/bin/env bash
# Build the explorer's Cypher editor (Neo4j's @neo4j-cypher/codemirror on CodeMirror 6, pinned by
# viz/console/package-lock.json) into one local asset, viz/static/vendor/cypher-editor.js
# (git-ignored). Idempotent: `npm ci` and esbuild run only when the lock file or the entry file
# changed since the last build, or the asset is missing. Without npm the console falls back to a
# plain textarea and says that highlighting is unavailable, so a missing npm is not an error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/viz/console"
out="$root/viz/static/vendor/cypher-editor.js"
stamp="$root/viz/static/vendor/.cypher-editor.sha256"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: the explorer's Cypher console will use a plain textarea (install Node.js >= 20)." >&2
  exit 0
fi
want="$(cat "$dir/package-lock.json" "$dir/entry.js" "$0" | sha256sum | cut -d' ' -f1)"
if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "building the explorer's Cypher editor (npm ci + esbuild in viz/console)…"
mkdir -p "$(dirname "$out")"
# A failed build (no registry, say) leaves the console on its textarea: the demo goes on; the
# browser test of the editor fails, since npm is there and the bundle is not.
if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) ||
  ! "$dir/node_modules/.bin/esbuild" "$dir/entry.js" --bundle --minify --format=iife --target=es2020 \
    --loader:.css=text --legal-comments=eof --log-level=warning --outfile="$out.tmp"; then
  rm -f "$out.tmp"
  echo "could not build the Cypher editor: the explorer's console will use a plain textarea." >&2
  exit 0
fi
mv "$out.tmp" "$out"
echo "$want" >"$stamp"
