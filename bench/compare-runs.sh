#!/usr/bin/env bash
# Runs ../shared/wsbench/compare.sh SCENARIO (Relay, Nchan and raw Vert.x side by side, service on
# core 0, generator on core 1) RUNS times and prints the median and spread of each figure.
# Usage, from the project root: bench/compare-runs.sh a|b|c [runs=3]
set -uo pipefail
S="${1:?scenario a, b or c}"; RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
BASE="${BENCH_OUT:-/tmp/relay-bench}/$S"; rm -rf "$BASE"; mkdir -p "$BASE"
for i in $(seq 1 "$RUNS"); do
  OUT="$BASE/$i" ../shared/wsbench/compare.sh "$S" | tail -1 | tee "$BASE/$i.line"
done
python3 "$ROOT/bench/summarize.py" "$BASE" "$RUNS"
