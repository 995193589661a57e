#!/usr/bin/env bash
# Time to ready: starts the packaged relay (memory engine, prod profile, core 0) RUNS times and
# prints, per run, the milliseconds from launch until /q/health/ready answers 200 (the warm-up
# included) and Quarkus's own "started in".
# Usage, from the project root: bench/time-to-ready.sh [runs=3]
set -euo pipefail
RUNS="${1:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/ready"; mkdir -p "$OUT"
. bench/scenarios.sh
package_if_stale
PORT=18094
for i in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  relay_start $PORT > "$OUT/relay-$i.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "the relay exited: $OUT/relay-$i.log" >&2; exit 1; }
    sleep 0.02
  done
  ready=$(date +%s%N)
  echo "run $i: ready after $(( (ready - start) / 1000000 )) ms; $(grep -o 'started in [0-9.]*s' "$OUT/relay-$i.log")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
