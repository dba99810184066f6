#!/usr/bin/env bash
# Install the country outlines `wirestream web` draws (npm world-atlas, pinned with its
# integrity hash in tools/world-atlas/package-lock.json) into <venv>/share/wirestream, where
# pipeline/web/geo.py looks for them. Idempotent: nothing to do when the lock is unchanged.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${1:-$root/.venv}"
dest="$venv/share/wirestream"
src="$root/tools/world-atlas"
if [ -f "$dest/node_modules/world-atlas/countries-110m.json" ] \
    && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "error: npm (Node.js >= 18) is needed to install the world map of 'wirestream web'" >&2
  exit 1
fi
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$src/.npmrc" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --silent --ignore-scripts)
