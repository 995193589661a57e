#!/usr/bin/env bash
# The wsbench scenarios (a: broadcast 2,000 @50/s; c: per-user 19,000) on the memory engine (one
# replica) and on the Redis engine (two replicas sharing one redis-server), same pinning as
# ../shared/wsbench/compare.sh: services (replicas and Redis) on core 0, generator on core 1.
# The two replicas sit behind an nginx TCP (stream) proxy on port 18091 that spreads connections
# round-robin, as a Kubernetes Service would: subscribers, and the publisher's pooled connections,
# split over both. nginx runs on core 1 and is not counted as relay CPU; 3 workers with reuseport,
# because each proxied connection costs nginx two of the 20,000 files a process may hold here. Needs nginx and
# libnginx-mod-stream (installed when missing). Prints one line per engine: relay CPU per delivery
# (both replicas), Redis CPU per delivery, missing, duplicates, deliveries, latency.
# Usage, from the project root: bench/redis-compare.sh a|c
set -uo pipefail
S="${1:?scenario a or c}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${OUT:-/tmp/relay-redis}/$S"; mkdir -p "$OUT"
JAR="$(../shared/wsbench/build.sh 2>>"$OUT/build.log")" || { echo "wsbench build failed"; exit 1; }
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B package -DskipTests
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
SECRET="bench-secret-0123456789-abcdefghijklmnopq"; PUBKEY="bench-publisher-key"; PORT=18091; RPORT=16379
case "$S" in
  a) SC=(--connections 2000 --channels 1 --messages 200 --rate 50 --publishers 4 --warmup-messages 100) ;;
  c) SC=(--connections 19000 --channels per-conn --messages 19000 --rate 0 --publishers 16 --warmup-messages 38000 --connect-rate 5000) ;;
  *) echo "unknown scenario $S"; exit 2 ;;
esac
COMMON=(--payload-bytes 100 --settle-ms 1000 --drain-ms 5000 --publish-timeout-ms 30000 --duration-s 70)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || apt-get install -y -qq libnginx-mod-stream >/dev/null
start_relay() {  # $1: log name, $2: port, then env assignments
  local log=$1 port=$2; shift 2
  env QUARKUS_HTTP_PORT=$port QUARKUS_HTTP_HOST=127.0.0.1 \
    RELAY_PUBLISHER_KEYS="$PUBKEY" RELAY_AUTH_HMAC_SECRET="$SECRET" "$@" \
    taskset -c 0 java -jar target/quarkus-app/quarkus-run.jar > "$OUT/$log.log" 2>&1 &
  echo $!
}
ready() { for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null && return; sleep 0.5; done; }
run() {  # $1 label, $2 peer pids, $3 redis pid or empty
  local before=0; [ -n "$3" ] && before=$(ticks "$3")
  timeout -k 5 80 taskset -c 1 java -Xms512m -Xmx4g -XX:TieredStopAtLevel=1 -jar "$JAR" "${COMMON[@]}" "${SC[@]}" \
    --label "$1-$S" --sub-url "ws://127.0.0.1:$PORT/ws?channel={channel}" --header 'Authorization: Bearer {jwt}' \
    --jwt-secret "$SECRET" --jwt-channels 'bench:*' --channel-name "$( [ "$S" = c ] && echo 'bench:u{i}' || echo 'bench:all')" \
    --pub-url "http://127.0.0.1:$PORT/api/v1/notifications" --pub-header "Authorization: Bearer $PUBKEY" \
    --body '{"channel":"{channel}","event":"bench","data":{"t":{t},"n":{n},"pad":"{pad}"}}' \
    --peer-pids "$2" > "$OUT/$1.json" 2> "$OUT/$1.err"
  local redis_ticks=0; [ -n "$3" ] && redis_ticks=$(( $(ticks "$3") - before ))
  python3 - "$OUT/$1.json" "$1" "$redis_ticks" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); p = d.get("peer", {}); lat = d.get("latency_us", d.get("latency", {}))
deliveries = max(d["deliveries"], 1); hz = 100
redis_us = int(sys.argv[3]) / hz * 1e6 / deliveries
print(f"{sys.argv[2]}: relay {p.get('cpu_us_per_delivery', -1):.2f} us/delivery, redis {redis_us:.2f} us/delivery, "
      f"missing {d['missing']}, duplicates {d['duplicates']}, deliveries {d['deliveries']}, latency {json.dumps(lat)}")
PY
}

# memory engine, one replica
M=$(start_relay memory $PORT); ready $PORT
run memory "$M" ""
kill $M; wait $M 2>/dev/null

# Redis engine, two replicas
taskset -c 0 redis-server --port $RPORT --bind 127.0.0.1 --save '' --appendonly no > "$OUT/redis.log" 2>&1 &
R=$!
sleep 0.5
A=$(start_relay replica-a 18093 RELAY_ENGINE=redis QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$RPORT)
B=$(start_relay replica-b 18094 RELAY_ENGINE=redis QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$RPORT)
ready 18093; ready 18094
cat > "$OUT/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 3;
worker_rlimit_nofile 20000;
pid $OUT/nginx.pid;
error_log $OUT/nginx-error.log;
events { worker_connections 100000; }
stream { upstream relay { server 127.0.0.1:18093; server 127.0.0.1:18094; } server { listen 127.0.0.1:$PORT reuseport; proxy_pass relay; } }
CONF
taskset -c 1 nginx -c "$OUT/nginx.conf" -g 'daemon off;' &
N=$!
ready $PORT
run redis "$A,$B" "$R"
kill $N $A $B; wait $N $A $B 2>/dev/null
kill $R; wait $R 2>/dev/null
