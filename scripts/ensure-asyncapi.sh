#!/usr/bin/env bash
# Install the official AsyncAPI parser (tools/asyncapi, pinned with integrity hashes by its
# package-lock.json) when it is missing or the lock file changed since the last install.
# tests/unit/test_asyncapi_parser.py uses it to validate schemas/asyncapi.json.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../tools/asyncapi" && pwd)"

installed() {  # node_modules/.package-lock.json is npm's record of what it installed
  [ -f "$dir/node_modules/@asyncapi/parser/package.json" ] \
    && [ -f "$dir/node_modules/.package-lock.json" ] \
    && ! [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]
}

installed && exit 0
for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "error: $tool not found: install Node.js >= 18 with npm to validate the AsyncAPI" \
         "document (scripts/ensure-asyncapi.sh installs tools/asyncapi with npm ci)" >&2
    exit 1
  fi
done
cd "$dir"
# One installer at a time (a lock on the folder itself), should two runs start together.
if command -v flock >/dev/null; then
  exec 9<"$dir"
  flock 9
  installed && exit 0
fi
echo "installing @asyncapi/parser with npm ci (tools/asyncapi/package-lock.json) ..."
# npm ci: exactly the locked versions, each checked against its integrity hash. No install
# scripts: the parser needs none (the one in the tree, @scarf/scarf, only reports installs).
SCARF_ANALYTICS=false npm ci --no-audit --no-fund --silent --ignore-scripts
installed || { echo "error: npm ci finished but @asyncapi/parser is not installed" >&2; exit 1; }
