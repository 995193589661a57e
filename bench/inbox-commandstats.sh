#!/usr/bin/env bash
# Where Redis spends an inbox:true publish: a packaged relay on a fresh redis-server takes PUBLISHES
# publishes to 1,000 users each with inbox:true (batches of 10), after a reset of Redis's statistics;
# prints INFO commandstats, biggest total first (commands run by scripts are counted too, and
# evalsha's time includes theirs).
# Usage: bench/inbox-commandstats.sh [publishes=50]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/scenarios.sh
PUBLISHES=${1:-50}
OUT=${OUT:-/tmp/inbox-commandstats}; rm -rf "$OUT"; mkdir -p "$OUT"
[ -n "${RELAY_APP:-}" ] || package_if_stale
redis_server_start "$OUT"
trap redis_server_stop EXIT
relay_start "$RELAY_PORT" RELAY_ENGINE=redis QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" > "$OUT/relay.log" 2>&1 &
PID=$!
wait_ready "$RELAY_PORT"
python3 -c 'import json; print(json.dumps({"notifications":[{"users":["u-%d" % n for n in range(1000)],"event":"order.shipped",
  "inbox":True,"data":{"orderId":12345,"text":"x"*70}} for _ in range(10)]}))' > "$OUT/body.json"
redis-cli -p "$REDIS_PORT" CONFIG RESETSTAT > /dev/null
for ((b = 0; b < PUBLISHES / 10; b++)); do
  curl -sf -o /dev/null -H "Authorization: Bearer $PUBKEY" -H 'Content-Type: application/json' \
    -d @"$OUT/body.json" "http://127.0.0.1:$RELAY_PORT/api/v1/notifications/batch"
done
redis-cli -p "$REDIS_PORT" INFO commandstats | grep '^cmdstat' | sort -t= -k3 -rn
kill "$PID"; wait "$PID" 2>/dev/null || true
