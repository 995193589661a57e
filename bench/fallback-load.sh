#!/usr/bin/env bash
# Holds N subscribers of `broadcast` on each transport (ws, sse, long-poll) against the packaged
# service, then publishes P broadcasts; prints one JSON line per transport (threads, RSS, live heap
# per subscriber, server CPU per delivery, latency, missing/duplicates/gaps). Service on core 0, load on core 1.
# Usage: bench/fallback-load.sh [clients=10000] [publishes=50] [rate=10] [modes="ws sse long-poll"]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/scenarios.sh
source bench/scenarios.sh
CLIENTS="${1:-10000}"; PUBLISHES="${2:-50}"; RATE="${3:-10}"; MODES="${4:-ws sse long-poll}"
PORT=18092
OUT="${OUT:-/tmp/relay-fallback}"; mkdir -p "$OUT"
package_if_stale
for mode in $MODES; do
  relay_start $PORT > "$OUT/relay-$mode.log" 2>&1 &
  PID=$!
  wait_ready $PORT
  taskset -c 1 java -Xmx3g bench/FallbackLoad.java --url "http://127.0.0.1:$PORT" --mode "$mode" --clients "$CLIENTS" \
    --publishes "$PUBLISHES" --rate "$RATE" --publisher-key "$PUBKEY" --secret "$SECRET" --server-pids $PID \
    2> "$OUT/load-$mode.log" | tee -a "$OUT/results.jsonl"
  kill $PID; wait $PID 2>/dev/null || true
done
