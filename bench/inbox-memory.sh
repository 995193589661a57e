#!/usr/bin/env bash
# Memory per inbox item on both engines, through the service: a packaged relay takes PUBLISHES
# publishes, each to USERS users (a 97-character data, as a typical alert), first without inbox, then
# the same to other users with inbox:true, and the growth of each is read: the live heap (jcmd
# GC.class_histogram after a full collection) on the memory engine, Redis's used_memory on the Redis
# engine. An inbox item costs the difference (both runs store the same history in the users'
# channels). The event and data are shared by a publish's items in the heap and kept per user in Redis.
# Usage: bench/inbox-memory.sh [users=100] [publishes=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/scenarios.sh
USERS=${1:-100}; PUBLISHES=${2:-1000}
OUT=${OUT:-/tmp/inbox-memory}; mkdir -p "$OUT"
[ -n "${RELAY_APP:-}" ] || package_if_stale
heap() { jcmd "$1" GC.class_histogram | awk '/^Total/ {print $3}'; }
redis_used() { redis-cli -p "$REDIS_PORT" INFO memory | awk -F: '/^used_memory:/ {print $2+0}'; }
# publish_all PREFIX INBOX: the publishes to users PREFIX-0 to PREFIX-(USERS-1), inbox true or false
publish_all() {
  local body
  body=$(python3 -c 'import json,sys; u,p,i=int(sys.argv[1]),sys.argv[2],sys.argv[3]=="true"; print(json.dumps({"notifications":[
    {"users":["%s-%d" % (p, n) for n in range(u)],"event":"order.shipped","inbox":i,
     "data":{"orderId":12345,"text":"x"*70}} for _ in range(10)]}))' "$USERS" "$1" "$2")
  for ((b = 0; b < PUBLISHES / 10; b++)); do
    curl -sf -o /dev/null -H "Authorization: Bearer $PUBKEY" -H 'Content-Type: application/json' \
      -d "$body" "http://127.0.0.1:$RELAY_PORT/api/v1/notifications/batch"
  done
}
ITEMS=$((USERS * PUBLISHES))

relay_start "$RELAY_PORT" RELAY_INBOX_MAX_ITEMS="$PUBLISHES" > "$OUT/relay-memory.log" 2>&1 &
PID=$!
wait_ready "$RELAY_PORT"
# measure ENGINE READ: the bytes per item READ gives for the inbox run beyond the plain one
measure() {
  local start plain inbox
  start=$($2); publish_all plain false; plain=$($2); publish_all inbox true; inbox=$($2)
  echo "{\"engine\":\"$1\",\"items\":$ITEMS,\"bytes_per_item\":$(( (inbox - plain - (plain - start)) / ITEMS )),\"bytes_per_notification_without_inbox\":$(( (plain - start) / ITEMS ))}"
}
measure memory "heap $PID"
kill "$PID"; wait "$PID" 2>/dev/null || true

redis_server_start "$OUT"
trap redis_server_stop EXIT
relay_start "$RELAY_PORT" RELAY_INBOX_MAX_ITEMS="$PUBLISHES" RELAY_ENGINE=redis \
  QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" > "$OUT/relay-redis.log" 2>&1 &
PID=$!
wait_ready "$RELAY_PORT"
measure redis redis_used
kill "$PID"; wait "$PID" 2>/dev/null || true
