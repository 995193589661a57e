#!/usr/bin/env bash
# Heap and RSS per idle authenticated WebSocket: starts the packaged Relay (memory engine, prod
# profile, core 0), measures live heap after a full GC with no connection, holds N connections
# from ../shared/wsbench (core 1), measures again and prints the difference per connection.
# Usage, from the project root: bench/idle-connections.sh [connections=2000]
set -euo pipefail
N="${1:-2000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/idle-$N"; mkdir -p "$OUT"
JAR="$(../shared/wsbench/build.sh 2>>"$OUT/build.log")"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B package -DskipTests
SECRET="bench-secret-0123456789-abcdefghijklmnopq"; PUBKEY="bench-publisher-key"; PORT=18092
QUARKUS_HTTP_PORT=$PORT QUARKUS_HTTP_HOST=127.0.0.1 RELAY_PUBLISHER_KEYS="$PUBKEY" RELAY_AUTH_HMAC_SECRET="$SECRET" \
  taskset -c 0 java -jar target/quarkus-app/quarkus-run.jar > "$OUT/relay.log" 2>&1 &
RPID=$!
trap 'kill $RPID 2>/dev/null; wait $RPID 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null && break; sleep 0.5; done

live_heap_kb() {  # used heap after a full GC, in KB
  jcmd "$RPID" GC.run >/dev/null
  jstat -gc "$RPID" | awk 'NR==2 { printf "%d\n", $3 + $4 + $6 + $8 }'
}
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$RPID/status"; }
connections() { curl -s "http://127.0.0.1:$PORT/q/metrics" | awk '/^relay_connections\{transport="websocket"/ { print int($2) }'; }

HEAP0=$(live_heap_kb); RSS0=$(rss_kb)
ulimit -n "$(ulimit -Hn)"
taskset -c 1 java -Xms512m -Xmx4g -XX:TieredStopAtLevel=1 -jar "$JAR" \
  --sub-url "ws://127.0.0.1:$PORT/ws" --header 'Authorization: Bearer {jwt}' --jwt-secret "$SECRET" \
  --pub-url "http://127.0.0.1:$PORT/api/v1/notifications" --pub-header "Authorization: Bearer $PUBKEY" \
  --body '{"channel":"user:bench0","data":{"t":{t},"n":{n}}}' --channels 1 --channel-name 'user:bench0' \
  --connections "$N" --messages 1 --connect-rate 5000 --settle-ms 30000 --duration-s 90 \
  --peer-pids "$RPID" > "$OUT/wsbench.json" 2> "$OUT/wsbench.log" &
GEN=$!
for _ in $(seq 1 120); do [ "$(connections)" = "$N" ] && break; sleep 0.5; done
sleep 2
HEAP1=$(live_heap_kb); RSS1=$(rss_kb); OPEN=$(connections)
wait $GEN || true
python3 - "$N" "$OPEN" "$HEAP0" "$HEAP1" "$RSS0" "$RSS1" <<'PY'
import sys
n, open_, h0, h1, r0, r1 = map(int, sys.argv[1:])
print(f"connections {open_}/{n}: live heap {h0/1024:.0f} -> {h1/1024:.0f} MB ({(h1-h0)*1024/max(open_,1)/1024:.1f} KB per connection), "
      f"RSS {r0/1024:.0f} -> {r1/1024:.0f} MB ({(r1-r0)*1024/max(open_,1)/1024:.1f} KB per connection)")
PY
