#!/usr/bin/env bash
# What inbox:true costs a publish, on both engines: a packaged relay (with its redis-server on the
# Redis engine) takes PUBLISHES publishes to USERS users each, alternately without and with inbox,
# ROUNDS times each, after a warm-up of both. No user is connected: what is measured is the publish
# (history of each user's channel, and with inbox the users' inboxes and the change messages); a
# connected user costs more with inbox (an inbox frame and a delivered mark), not measured here. Reported: the CPU (relay plus redis-server)
# per publish of each kind, as medians, and their ratio. Every run publishes to users of its own, so
# no inbox grows past relay.inbox.max-items.
# Usage: [ENGINES=memory|redis] bench/inbox-cost.sh [users=1000] [publishes=200] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/scenarios.sh
USERS=${1:-1000}; PUBLISHES=${2:-200}; ROUNDS=${3:-3}; ENGINES=${ENGINES:-memory redis}
OUT=${OUT:-/tmp/inbox-cost}; rm -rf "$OUT"; mkdir -p "$OUT"
[ -n "${RELAY_APP:-}" ] || package_if_stale
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# publish_all PREFIX INBOX: PUBLISHES publishes to users PREFIX-0 to PREFIX-(USERS-1), 10 per batch
publish_all() {
  python3 -c 'import json,sys; u,p,i=int(sys.argv[1]),sys.argv[2],sys.argv[3]=="true"; print(json.dumps({"notifications":[
    {"users":["%s-%d" % (p, n) for n in range(u)],"event":"order.shipped","inbox":i,
     "data":{"orderId":12345,"text":"x"*70}} for _ in range(10)]}))' "$USERS" "$1" "$2" > "$OUT/body.json"
  for ((b = 0; b < PUBLISHES / 10; b++)); do
    curl -sf -o /dev/null -H "Authorization: Bearer $PUBKEY" -H 'Content-Type: application/json' \
      -d @"$OUT/body.json" "http://127.0.0.1:$RELAY_PORT/api/v1/notifications/batch"
  done
}

# ticks_of PIDS: each process's CPU ticks, comma-separated
ticks_of() { local p out=""; for p in ${1//,/ }; do out="$out${out:+,}$(cpu_ticks "$p")"; done; echo "$out"; }

# measure ENGINE PIDS: the rounds, one JSON line per run, then the medians
measure() {
  local engine=$1 pids=$2 kind round before after
  publish_all "warm-plain" false; publish_all "warm-inbox" true
  wait_jit_idle "${pids%%,*}"
  for round in $(seq 1 "$ROUNDS"); do
    for kind in false true; do
      before=$(ticks_of "$pids")
      publish_all "$engine-$round-$kind" "$kind"
      after=$(ticks_of "$pids")
      python3 -c 'import json,sys; b,a=[list(map(int,x.split(","))) for x in sys.argv[5:7]]; t,n=int(sys.argv[3]),int(sys.argv[4])
per=[round((y - x) * t / n, 2) for x, y in zip(b, a)]
print(json.dumps({"engine":sys.argv[1],"inbox":sys.argv[2]=="true","round":int(sys.argv[7]),"cpu_ms_per_publish":round(sum(per),2),"relay_ms":per[0],"redis_ms":sum(per[1:])}))' \
        "$engine" "$kind" "$TICK_MS" "$PUBLISHES" "$before" "$after" "$round"
    done
  done | tee "$OUT/$engine.jsonl"
  python3 - "$OUT/$engine.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
plain = statistics.median(r["cpu_ms_per_publish"] for r in runs if not r["inbox"])
inbox = statistics.median(r["cpu_ms_per_publish"] for r in runs if r["inbox"])
relay = {k: statistics.median(r["relay_ms"] for r in runs if r["inbox"] == k) for k in (False, True)}
print(f'{runs[0]["engine"]}: {plain:.2f} ms CPU per publish without inbox, {inbox:.2f} with, ratio {inbox / plain:.2f} '
      f'(relay alone {relay[False]:.2f} and {relay[True]:.2f})')
PY
}

if [[ " $ENGINES " == *" memory "* ]]; then
  relay_start "$RELAY_PORT" > "$OUT/relay-memory.log" 2>&1 &
  PID=$!
  wait_ready "$RELAY_PORT"
  measure memory "$PID"
  kill "$PID"; wait "$PID" 2>/dev/null || true
fi
[[ " $ENGINES " == *" redis "* ]] || exit 0

redis_server_start "$OUT"
trap redis_server_stop EXIT
relay_start "$RELAY_PORT" RELAY_ENGINE=redis QUARKUS_REDIS_HOSTS="redis://127.0.0.1:$REDIS_PORT" > "$OUT/relay-redis.log" 2>&1 &
PID=$!
wait_ready "$RELAY_PORT"
measure redis "$PID,$REDIS_PID"
kill "$PID"; wait "$PID" 2>/dev/null || true
