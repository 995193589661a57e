#!/usr/bin/env bash
# Memory at 19,000 WebSockets (issue 24, target 5): Relay (packaged, memory engine) and Nchan, each
# alone on core 0, each running compare.sh's scenario c (19,000 subscribers with a channel each,
# 19,000 publishes) from the generator on core 1. For each service it samples, every second while
# the run holds its connections, RSS and PSS (PSS shares Nchan's shared memory between its workers
# instead of counting it in each) of all its processes, and prints one JSON line per service and
# round: at ready (no connection), at the sample with the largest RSS, per connection, and the run's
# CPU per delivery and latency (so that JVM options, RELAY_JVM="...", show what they cost).
# With NMT=1 the relay runs with -XX:NativeMemoryTracking=summary and the line carries the JVM's
# own account of that sample (heap, classes, code, threads, GC, direct buffers...), in MB committed.
# Usage, from the project root: bench/memory-vs-nchan.sh [rounds=1] [services="relay nchan"]
set -euo pipefail
ROUNDS="${1:-1}"; SERVICES="${2:-relay nchan}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/memory"; mkdir -p "$OUT"
. bench/scenarios.sh
package_if_stale

nmt_json() {  # the JVM's committed memory by category, MB, as JSON
  jcmd "$1" VM.native_memory summary 2>/dev/null | python3 -c '
import json, re, sys
out = {}
for line in sys.stdin:
    m = re.match(r"-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB\)", line.strip())
    if m: out[m.group(1).strip()] = round(int(m.group(2)) / 1024, 1)
print(json.dumps(out))'
}

# measure SERVICE PIDS JVM_PID PORT LABEL: runs scenario c against the service and samples it; one JSON line
measure() {
  local service=$1 pids=$2 jvm=$3 port=$4 label=$5
  local rss0 pss0; rss0=$(rss_kb "$pids"); pss0=$(pss_kb "$pids")
  wsbench_run c "$service" "$port" "$pids" "$label" > "$OUT/$label.json" 2> "$OUT/$label.wsbench.log" &
  local gen=$! best=0 best_pss=0 nmt='{}' r
  sleep 5
  while kill -0 $gen 2>/dev/null; do
    r=$(rss_kb "$pids")
    if [ "$r" -gt "$best" ]; then
      best=$r; best_pss=$(pss_kb "$pids")
      [ -n "$jvm" ] && [ "${NMT:-0}" = 1 ] && nmt=$(nmt_json "$jvm")
    fi
    sleep 1
  done
  wait $gen || true
  python3 - "$label" "$rss0" "$pss0" "$best" "$best_pss" "$nmt" "$OUT/$label.json" "${RELAY_JVM:-}" <<'PY'
import json, sys
label, r0, p0, r1, p1 = sys.argv[1], *map(int, sys.argv[2:6])
nmt = json.loads(sys.argv[6]); run = json.load(open(sys.argv[7]))
n = run["connections"]
out = {"label": label, "connections_ok": run["connections_ok"], "missing": run["missing"], "duplicates": run["duplicates"],
       "rss_mb_ready": round(r0 / 1024, 1), "rss_mb_peak": round(r1 / 1024, 1), "pss_mb_ready": round(p0 / 1024, 1), "pss_mb_peak": round(p1 / 1024, 1),
       "rss_kb_per_connection": round(r1 / n, 1), "rss_kb_per_connection_above_ready": round((r1 - r0) / n, 1),
       "pss_kb_per_connection": round(p1 / n, 1), "pss_kb_per_connection_above_ready": round((p1 - p0) / n, 1),
       "cpu_us_per_delivery": run.get("peer", {}).get("cpu_us_per_delivery"),
       "p99_ms": round(run["latency_us"]["p99"] / 1000, 1), "max_ms": round(run["latency_us"]["max"] / 1000, 1)}
if label.startswith("relay"): out["jvm_options"] = sys.argv[8]
if nmt: out["nmt_committed_mb"] = nmt
print(json.dumps(out))
PY
}

[ "${NMT:-0}" = 1 ] && export RELAY_JVM="${RELAY_JVM:-} -XX:NativeMemoryTracking=summary"
for round in $(seq 1 "$ROUNDS"); do
  for service in $SERVICES; do
    if [ "$service" = relay ]; then
      relay_start $RELAY_PORT > "$OUT/relay-$round.log" 2>&1 &
      RPID=$!
      wait_ready $RELAY_PORT
      measure relay "$RPID" "$RPID" $RELAY_PORT "relay-$round"
      kill $RPID; wait $RPID 2>/dev/null || true
    else
      nchan_start
      measure nchan "$NCHAN_PIDS" "" 8091 "nchan-$round"
      nchan_stop
    fi
  done
done
