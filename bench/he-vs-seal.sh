#!/usr/bin/env bash
# Our CKKS engine (he-runtime) against node-seal 7.0.0 (SEAL 4.1.2 in WebAssembly), in one run on
# this machine: encode, encrypt (public key), decrypt+decode, add, multiply_plain,
# multiply+relinearize+rescale, rotate by 1, Galois keygen for all power-of-two steps, at
# N=8192 [60,40,40,60] and N=16384 [60,40x6,60], scale 2^40; ours with 1 and 2 threads.
#
# Usage: bench/he-vs-seal.sh [--quick] [--n 8192,16384] [--rounds K] [--priority] [--reference PROGRAM]
#                           [--report FILE] [--scalar]
#   --quick   fewer repetitions (smoke run, noisier numbers)
#   --n       polynomial degrees (default both)
#   --rounds  run everything K times and keep each op's best median (default 1; other processes on a
#             shared machine only ever slow a run down)
#   --priority  raise this session's scheduling group (Linux autogroup, needs root) to nice -20 for the
#             run and restore it after: on a machine shared with other sessions, autogroups split the
#             CPUs evenly between sessions, so without it a run rarely gets a second core and the
#             2-thread column measures the neighbours (the "control" row shows what the run got)
#   --reference  time PROGRAM in node-seal's place: any program that speaks seal-bench.js's serve protocol on
#             stdin/stdout when started without arguments (info, setup, run, quit), such as the native SEAL
#             servers in ../shared/tools/native-seal/; the table is labelled with what its info answers and
#             shows no targets (they are set against node-seal); the last TSV column is then reference_ms
#   --scalar  run our engine on its scalar kernels only (a JVM without jdk.incubator.vector), to compare with
#             the default, where the NTT of primes below 2^50 runs on AVX-512 vectors (ring.VectorNtt; the JVM
#             then prints "WARNING: Using incubator modules: jdk.incubator.vector" on stderr, which is expected)
#   --report  also write every row of the table (ours 1 and 2 threads, the reference, ratios) and the run's
#             context as JSON to FILE (relative paths, as for --reference, from the repository root)
# Besides the SEAL-layout ops, the table has the training path: multiply_relin_rescale_training and
# rotate_training time our engine with the keys our own clients make (hybrid key switching at N=16384, see
# BenchParams.trainingParameters); their reference column is the reference's SEAL-layout op.
# Works from a clean checkout: installs Node 22 + node-seal into .cache/node-seal (ignored) and
# builds benchmarks/target/benchmarks.jar. Progress on stderr; the table and a TSV block
#   BENCH<TAB>op<TAB>N<TAB>ours_1thread_ms<TAB>ours_2threads_ms<TAB>nodeseal_ms
# on stdout. Ours and node-seal are timed in the same sweeps, op by op (node-seal in a child process), so a
# shared machine's load hits both alike. One round takes about 4 minutes on 2 cores. JAVA_HOME overrides
# the JDK choice.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

quick=()
ns="8192,16384"
rounds=1
priority=0
reference=""
report=""
vector=(--add-modules jdk.incubator.vector)
while [ $# -gt 0 ]; do
  case "$1" in
    --priority) priority=1; shift ;;
    --quick) quick=(--quick); shift ;;
    --n) ns="${2:?--n needs a list such as 8192,16384}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a count}"; shift 2 ;;
    --reference) reference="${2:?--reference needs a program}"; shift 2 ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    --scalar) vector=(); shift ;;
    *) echo "he-vs-seal.sh: unknown argument '$1' (expected --quick, --n LIST, --rounds K, --priority, --reference PROGRAM, --report FILE, --scalar)" >&2; exit 2 ;;
  esac
done
if ! [[ "$rounds" =~ ^[1-9]$ ]]; then
  echo "he-vs-seal.sh: --rounds must be 1..9, got '$rounds'" >&2
  exit 2
fi
if [ -n "$reference" ]; then
  if ! [ -f "$reference" ] || ! [ -x "$reference" ]; then
    echo "he-vs-seal.sh: --reference '$reference' is not an executable file" >&2
    exit 2
  fi
  reference="$(cd "$(dirname "$reference")" && pwd)/$(basename "$reference")" # the run below is from the root
fi

if [ -n "$report" ]; then
  mkdir -p "$(dirname "$report")"
  report_file_args=(--report "$report")
else
  report_file_args=()
fi

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
trap 'exit 130' INT TERM # so the EXIT trap (clean-up, scheduling restore) runs on Ctrl-C too
if [ "$priority" = 1 ]; then
  [ -w /proc/self/autogroup ] || { echo "he-vs-seal.sh: --priority needs a writable /proc/self/autogroup (Linux, root)" >&2; exit 2; }
  old_nice="$(sed -n 's/.* nice //p' /proc/self/autogroup)"
  echo -20 > /proc/self/autogroup
  trap 'echo "$old_nice" > /proc/self/autogroup; rm -rf "$tmp"' EXIT
  log "session autogroup raised to nice -20 for the run (was $old_nice)"
fi

# One round: our engine (1 and 2 threads) and the reference (node-seal in a child Node process, or the
# --reference program) timed in the same sweeps, op by op, so both see the same load (see InterleavedTimer).
if [ -n "$reference" ]; then
  ref_args=(--reference "$reference")
  report_args=(--reference)
else
  ref_args=(--node "$node" --seal-script bench/node/seal-bench.js)
  report_args=()
fi
ours_files=()
seal_files=()
for ((r = 1; r <= rounds; r++)); do
  log "round $r/$rounds: our engine (1 and 2 threads) and ${reference:-node-seal}, interleaved"
  "$java" "${vector[@]}" -Xms2g -Xmx4g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar \
    io.blindtuner.bench.he.HeVsSealRunner --n "$ns" --threads 1,2 "${quick[@]}" \
    "${ref_args[@]}" --seal-out "$tmp/nodeseal.$r.json" > "$tmp/ours.$r.json"
  ours_files+=("$tmp/ours.$r.json")
  seal_files+=("$tmp/nodeseal.$r.json")
done

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "our JDK: $java${vector[*]:+ (${vector[*]})}"
if [ "$priority" = 1 ]; then echo "scheduling: this session's autogroup at nice -20 during the run (--priority)"; fi
"$node" bench/node/report.js "${report_args[@]}" "${report_file_args[@]}" --ours "${ours_files[@]}" --seal "${seal_files[@]}"
