#!/usr/bin/env bash
# Refresh viz/static/geo/countries-110m.json (and its licence) from the npm package world-atlas,
# pinned to 2.0.2. The file is committed, so `make demo` and `make test` need neither npm nor a
# network; run this only to move to another version (change VERSION and SHA256 together).
set -euo pipefail
VERSION=2.0.2
SHA256=2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8  # countries-110m.json of 2.0.2
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/viz/static/geo"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "world-atlas@$VERSION" >/dev/null && tar xzf "world-atlas-$VERSION.tgz")
got="$(sha256sum "$tmp/package/countries-110m.json" | cut -d' ' -f1)"
if [ "$got" != "$SHA256" ]; then
  echo "world-atlas@$VERSION countries-110m.json has sha256 $got, expected $SHA256" >&2
  exit 1
fi
cp "$tmp/package/countries-110m.json" "$dest/countries-110m.json"
cp "$tmp/package/LICENSE" "$dest/LICENSE-world-atlas"
echo "viz/static/geo/countries-110m.json: world-atlas@$VERSION"
