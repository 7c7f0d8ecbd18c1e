#!/usr/bin/env bash
# Our CKKS engine (he-runtime) against node-seal 7.0.0 (SEAL 4.1.2 in WebAssembly), in one run on
# this machine: encode, encrypt (public key), decrypt+decode, add, multiply_plain,
# multiply+relinearize+rescale, rotate by 1, Galois keygen for all power-of-two steps, at
# N=8192 [60,40,40,60] and N=16384 [60,40x6,60], scale 2^40; ours with 1 and 2 threads.
#
# Usage: bench/he-vs-seal.sh [--quick] [--n 8192,16384]
#   --quick  fewer repetitions (smoke run, noisier numbers)
#   --n      polynomial degrees (default both)
# Works from a clean checkout: installs Node 22 + node-seal into .cache/node-seal (ignored) and
# builds benchmarks/target/benchmarks.jar. Progress on stderr; the table and a TSV block
#   BENCH<TAB>op<TAB>N<TAB>ours_1thread_ms<TAB>ours_2threads_ms<TAB>nodeseal_ms
# on stdout. Takes about 5 minutes on a 2-core machine. JAVA_HOME overrides the JDK choice.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=()
ns="8192,16384"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick); shift ;;
    --n) ns="${2:?--n needs a list such as 8192,16384}"; shift 2 ;;
    *) echo "he-vs-seal.sh: unknown argument '$1' (expected --quick, --n LIST)" >&2; exit 2 ;;
  esac
done

log() { echo "[he-vs-seal $(date -u +%H:%M:%S)] $*" >&2; }

log "installing Node 22 + node-seal 7.0.0 into .cache/node-seal (skipped when present)"
node="$(tools/node-seal/install.sh)"

# The newest JDK on the machine runs our side: the JIT matters for this code.
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
elif [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
else
  java="$(command -v java)"
fi
log "JDK for our engine: $java ($("$java" -version 2>&1 | head -1))"

log "building benchmarks/target/benchmarks.jar (mvn -q -DskipTests -pl benchmarks -am package)"
mvn -B -q -Dstyle.color=never -DskipTests -pl benchmarks -am package >&2

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

log "running our engine (1 and 2 threads)"
"$java" -Xms2g -Xmx4g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar \
  io.blindtuner.bench.he.HeVsSealRunner --n "$ns" --threads 1,2 "${quick[@]}" > "$tmp/ours.json"

log "running node-seal"
"$node" bench/node/seal-bench.js --n "$ns" "${quick[@]}" > "$tmp/nodeseal.json"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "our JDK: $java"
"$node" bench/node/report.js "$tmp/ours.json" "$tmp/nodeseal.json"
