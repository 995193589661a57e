#!/usr/bin/env bash
# Heap and RSS per idle authenticated WebSocket: starts the packaged relay (memory engine, prod
# profile, core 0), measures live heap after a full GC with no connection, holds N connections from
# ../shared/wsbench (core 1; each with its own HS256 token and its own user channel), measures again
# and prints one JSON line: connections asked and open, live heap and RSS before and after, and
# the difference per connection.
# Usage, from the project root: bench/idle-connections.sh [connections=2000]
set -euo pipefail
N="${1:-2000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/idle-$N"; mkdir -p "$OUT"
. bench/scenarios.sh
package_if_stale
PORT=18092
relay_start $PORT > "$OUT/relay.log" 2>&1 &
RPID=$!
trap 'kill $RPID 2>/dev/null; wait $RPID 2>/dev/null' EXIT
wait_ready $PORT

live_heap_kb() {  # used heap after a full GC, in KB
  jcmd "$RPID" GC.run >/dev/null
  jstat -gc "$RPID" | awk 'NR==2 { printf "%d\n", $3 + $4 + $6 + $8 }'
}
connections() { curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^relay_connections\{transport="websocket"/ { print int($2) }'; }

HEAP0=$(live_heap_kb); RSS0=$(rss_kb $RPID); FDS0=$(ls "/proc/$RPID/fd" | wc -l)
taskset -c 1 "${GEN_JAVA[@]}" \
  --sub-url "ws://127.0.0.1:$PORT/ws?channel={channel}" --header 'Authorization: Bearer {jwt}' --jwt-secret "$SECRET" \
  --jwt-channels 'bench:*' --pub-url "http://127.0.0.1:$PORT/api/v1/notifications" --pub-header "Authorization: Bearer $PUBKEY" \
  --body '{"channel":"{channel}","data":{"t":{t},"n":{n}}}' --channels per-conn --channel-name 'bench:u{i}' \
  --connections "$N" --messages 1 --connect-rate 5000 --settle-ms 30000 --duration-s 90 \
  --peer-pids "$RPID" > "$OUT/wsbench.json" 2> "$OUT/wsbench.log" &
GEN=$!
for _ in $(seq 1 120); do [ "$(connections)" = "$N" ] && break; sleep 0.5; done
sleep 2
HEAP1=$(live_heap_kb); RSS1=$(rss_kb $RPID); OPEN=$(connections); FDS1=$(ls "/proc/$RPID/fd" | wc -l)
wait $GEN || true
python3 - "$N" "$OPEN" "$HEAP0" "$HEAP1" "$RSS0" "$RSS1" "$FDS0" "$FDS1" <<'PY'
import json, sys
n, open_, h0, h1, r0, r1, f0, f1 = map(int, sys.argv[1:])
print(json.dumps({"connections": n, "open": open_, "fds_before": f0, "fds_open": f1,
                  "heap_kb_before": h0, "heap_kb_open": h1, "heap_kb_per_connection": round((h1 - h0) / max(open_, 1), 2),
                  "rss_kb_before": r0, "rss_kb_open": r1, "rss_kb_per_connection": round((r1 - r0) / max(open_, 1), 2)}))
PY
