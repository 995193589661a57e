# Sourced by the bench scripts: the wsbench scenarios (../shared/wsbench/README.md), and how to start
# the packaged relay (one replica on the memory engine, or two on Redis behind a TCP balancer) and
# Nchan, so every script measures the same thing the same way. Services run on core 0, the
# generator on core 1. Run from the project root.
SECRET="bench-secret-0123456789-abcdefghijklmnopq"; PUBKEY="bench-publisher-key"
WSBENCH_JAR="$(../shared/wsbench/build.sh 2>/dev/null)" || { echo "wsbench build failed" >&2; exit 1; }
GEN_JAVA=(java -Xms512m -Xmx4g -XX:TieredStopAtLevel=1 -jar "$WSBENCH_JAR")
COMMON=(--payload-bytes 100 --settle-ms 1000 --drain-ms 5000 --publish-timeout-ms 30000)
RELAY_PORT=18091
ulimit -n "$(ulimit -Hn)"

# The flags of one scenario: a, b, c as ../shared/wsbench/compare.sh runs them (c with 19,000
# subscribers: one process may hold 20,000 files here); latency: 1,000 per-user publishes a second
# for 60 s; a-long and b-long, a and b at full speed with 3,000 and 500 messages, to warm up.
# Idle connections are measured by idle-connections.sh.
scenario_flags() {
  case "$1" in
    a) echo --connections 2000 --channels 1 --messages 200 --rate 50 --publishers 4 --warmup-messages 100 --duration-s 70 ;;
    b) echo --connections 10000 --channels 1 --messages 100 --rate 0 --publishers 4 --warmup-messages 20 --connect-rate 4000 --duration-s 70 ;;
    c) echo --connections 19000 --channels per-conn --messages 19000 --rate 0 --publishers 16 --warmup-messages 38000 --connect-rate 5000 --duration-s 70 ;;
    latency) echo --connections 19000 --channels per-conn --messages 60000 --rate 1000 --publishers 16 --warmup-messages 5000 --connect-rate 5000 --duration-s 110 ;;
    a-long) echo --connections 2000 --channels 1 --messages 3000 --rate 0 --publishers 4 --warmup-messages 0 --duration-s 70 ;;
    b-long) echo --connections 10000 --channels 1 --messages 500 --rate 0 --publishers 4 --warmup-messages 0 --connect-rate 4000 --duration-s 90 ;;
    *) echo "unknown scenario $1" >&2; return 2 ;;
  esac
}

per_user() { case "$1" in c|latency) return 0 ;; *) return 1 ;; esac; }

# relay_start PORT [ENV=value...]: the packaged relay on core 0 (memory engine unless the env says
# otherwise); run it in the background: $! is the JVM's pid. RELAY_JVM adds JVM options (a collector,
# the container image's options, -Xlog:gc), RELAY_APP names another packaged build.
relay_start() {
  local port=$1; shift
  # shellcheck disable=SC2086
  exec env QUARKUS_HTTP_PORT="$port" QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_PROFILE=prod RELAY_PUBLISHER_KEYS="$PUBKEY" \
    RELAY_AUTH_HMAC_SECRET="$SECRET" "$@" taskset -c 0 java ${RELAY_JVM:-} -jar "${RELAY_APP:-target/quarkus-app}/quarkus-run.jar"
}

# The packaged relay, rebuilt when a source or the pom is newer than it.
package_if_stale() {
  [ -f target/quarkus-app/quarkus-run.jar ] && [ -z "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ] \
    || ./mvnw -q -B package -DskipTests
}

wait_ready() { for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null && return 0; sleep 0.5; done; return 1; }

# wait_closed PORT...: until each relay holds no WebSocket, so that a run does not pay for closing
# the previous run's connections (behind the balancer they close after the generator has exited).
wait_closed() {
  local port
  for port in "$@"; do
    for _ in $(seq 1 600); do
      curl -sf "http://127.0.0.1:$port/q/metrics" | grep -q '^relay_connections{transport="websocket"} 0.0$' && break
      sleep 0.1
    done
  done
}

# wsbench_run SCENARIO relay|nchan PORT PEER_PIDS LABEL: one wsbench run; its JSON summary on stdout.
wsbench_run() {
  local s=$1 service=$2 port=$3 pids=$4 label=$5 target
  if [ "$service" = relay ]; then
    local channel='bench:all' query=''; per_user "$s" && channel='bench:u{i}'
    [ "${BALANCER:-}" = channel ] && query='?channel={channel}'
    target=(--sub-url "ws://127.0.0.1:$port/ws?channel={channel}" --header 'Authorization: Bearer {jwt}'
      --jwt-secret "$SECRET" --jwt-channels 'bench:*' --channel-name "$channel"
      --pub-url "http://127.0.0.1:$port/api/v1/notifications$query" --pub-header "Authorization: Bearer $PUBKEY"
      --body '{"channel":"{channel}","event":"bench","data":{"t":{t},"n":{n},"pad":"{pad}"}}')
  else
    local channel='bcast'; per_user "$s" && channel='u{i}'
    target=(--sub-url "ws://127.0.0.1:$port/sub/{channel}" --pub-url "http://127.0.0.1:$port/pub?channel={channel}"
      --channel-name "$channel")
  fi
  # shellcheck disable=SC2046
  timeout -k 5 150 taskset -c 1 "${GEN_JAVA[@]}" "${COMMON[@]}" $(scenario_flags "$s") --label "$label" \
    "${target[@]}" --peer-pids "$pids"
}


# nginx_pin MASTER...: sets NCHAN_PIDS to the nginx masters and their workers, all pinned to core 0.
nginx_pin() {
  local m p
  NCHAN_PIDS="$(for m in "$@"; do echo "$m"; pgrep -P "$m"; done | paste -sd,)"
  for p in ${NCHAN_PIDS//,/ }; do taskset -pc 0 "$p" >/dev/null; done
}

# nchan_start / nchan_stop: ../shared/wsbench's Nchan peer on port 8091, pinned to core 0; NCHAN_PIDS.
nchan_start() {
  ../shared/wsbench/peers/nchan/stop.sh >/dev/null 2>&1
  ../shared/wsbench/peers/nchan/start.sh >/dev/null
  nginx_pin "$(cat /tmp/nchan-run/nginx.pid)"
}
nchan_stop() { ../shared/wsbench/peers/nchan/stop.sh >/dev/null 2>&1; }

# balancer_start DIR PORT...: an nginx TCP (stream) proxy on RELAY_PORT that spreads connections
# round-robin over the relays on PORT..., as a Kubernetes Service does. With BALANCER=channel, an
# HTTP proxy instead that sends every request to the relay its channel query parameter hashes to
# (wsbench_run then puts the channel in the publish URL too): a channel's subscribers and publishes
# meet on one replica, as a per-user channel's would behind an ingress that hashes by user. nginx
# runs on core 1 with the generator and is not counted; 3 workers with reuseport, because each
# proxied connection costs nginx two of the 20,000 files a process may hold here. Sets LB_PID.
balancer_start() {
  local dir=$1 servers="" port; shift
  for port in "$@"; do servers="$servers server 127.0.0.1:$port;"; done
  [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || apt-get install -y -qq libnginx-mod-stream >/dev/null
  cat > "$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes 3;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 100000; }
CONF
  if [ "${BALANCER:-}" = channel ]; then  # HTTP proxy, each request to the replica its channel hashes to
    cat >> "$dir/nginx.conf" <<CONF
http {
  access_log off;
  upstream relay { hash \$arg_channel consistent; $servers keepalive 64; }
  map \$http_upgrade \$connection_upgrade { default upgrade; '' ''; }
  server {
    listen 127.0.0.1:$RELAY_PORT reuseport;
    location / {
      proxy_pass http://relay; proxy_http_version 1.1; proxy_buffering off; proxy_read_timeout 600s;
      proxy_set_header Host \$host; proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade;
    }
  }
}
CONF
  else
    echo "stream { upstream relay { $servers } server { listen 127.0.0.1:$RELAY_PORT reuseport; proxy_pass relay; } }" >> "$dir/nginx.conf"
  fi
  taskset -c 1 nginx -c "$dir/nginx.conf" -g 'daemon off;' &
  LB_PID=$!
  wait_ready $RELAY_PORT
}

# replicas_start DIR COUNT [ENV...]: COUNT relays on ports 18093 and up, on core 0, each with ENV,
# behind the balancer. Sets REPLICA_PIDS (comma-separated), REPLICA_PORTS and REPLICA_COUNT.
replicas_start() {
  local dir=$1 count=$2 n port pids=() ports=(); shift 2
  for n in $(seq 1 "$count"); do
    port=$((18092 + n))
    relay_start $port "$@" > "$dir/replica-$n.log" 2>&1 &
    pids+=($!); ports+=($port)
  done
  REPLICA_PIDS="$(IFS=,; echo "${pids[*]}")"; REPLICA_PORTS="${ports[*]}"; REPLICA_COUNT=$count
  for port in "${ports[@]}"; do wait_ready "$port"; done
  balancer_start "$dir" $REPLICA_PORTS
}
replicas_stop() {
  kill "$LB_PID" ${REPLICA_PIDS//,/ } 2>/dev/null; wait "$LB_PID" ${REPLICA_PIDS//,/ } 2>/dev/null || true
}

# redis_server_start DIR / redis_server_stop: one redis-server (no persistence) on core 0, on
# REDIS_PORT, its log in DIR; sets REDIS_PID.
REDIS_PORT=16379
redis_server_start() {
  taskset -c 0 redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no > "$1/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && break; sleep 0.1; done
}
redis_server_stop() { kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null || true; }

# redis_start DIR / redis_stop: one redis-server and REPLICAS (default two) relay replicas on it, all
# on core 0, behind the balancer; replicas_start's variables and REDIS_PID.
redis_start() {
  redis_server_start "$1"
  replicas_start "$1" "${REPLICAS:-2}" RELAY_ENGINE=redis QUARKUS_REDIS_HOSTS=redis://127.0.0.1:$REDIS_PORT
}
redis_stop() {
  replicas_stop
  redis_server_stop
}

# nchan_redis_start DIR / nchan_redis_stop: Nchan as Relay runs on Redis: one redis-server and two
# nginx + Nchan instances (one worker each, as each replica is one process) storing and fanning out
# through it with nchan_redis_pass, all on core 0, behind the same balancer as the replicas. Each
# answers the balancer's readiness check itself. Sets NCHAN_PIDS (the nginx masters and workers) and
# REDIS_PID.
nchan_redis_start() {
  local dir=$1 n port masters=() ports=()
  if [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then nchan_start; nchan_stop; fi  # installs nginx and Nchan
  redis_server_start "$dir"
  for n in 1 2; do
    port=$((18092 + n)); mkdir -p "$dir/nchan-$n/tmp"
    cat > "$dir/nchan-$n/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
user root;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nchan-$n/nginx.pid;
error_log $dir/nchan-$n/error.log warn;
events { worker_connections 20000; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $dir/nchan-$n/tmp/body;
  proxy_temp_path $dir/nchan-$n/tmp/proxy;
  fastcgi_temp_path $dir/nchan-$n/tmp/fastcgi;
  uwsgi_temp_path $dir/nchan-$n/tmp/uwsgi;
  scgi_temp_path $dir/nchan-$n/tmp/scgi;
  keepalive_requests 1000000;
  nchan_shared_memory_size 512m;
  upstream redis { nchan_redis_server redis://127.0.0.1:$REDIS_PORT; }
  server {
    listen 127.0.0.1:$port backlog=4096;
    location = /pub {
      nchan_publisher; nchan_channel_id \$arg_channel; nchan_redis_pass redis;
      nchan_message_buffer_length 1000; nchan_message_timeout 1h;
    }
    location ~ /sub/(.+)\$ { nchan_subscriber websocket; nchan_channel_id \$1; nchan_redis_pass redis; }
    location = /q/health/ready { return 200; }
  }
}
CONF
    taskset -c 0 nginx -p "$dir/nchan-$n/" -c "$dir/nchan-$n/nginx.conf" -e "$dir/nchan-$n/error.log"
    for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/q/health/ready" && break; sleep 0.1; done
    masters+=("$(cat "$dir/nchan-$n/nginx.pid")"); ports+=($port)
  done
  nginx_pin "${masters[@]}"
  NCHAN_DIR=$dir
  balancer_start "$dir" "${ports[@]}"
}
nchan_redis_stop() {
  local n
  kill "$LB_PID" 2>/dev/null; wait "$LB_PID" 2>/dev/null || true
  for n in 1 2; do kill "$(cat "$NCHAN_DIR/nchan-$n/nginx.pid")" 2>/dev/null || true; done
  redis_server_stop
}

# balanced_start DIR / balanced_stop: REPLICAS (default one) relays on the memory engine behind the
# same balancer, to tell what the Redis engine costs from what the proxy in front of it costs. More
# than one deliver everything only with BALANCER=channel (each replica has its channels alone).
balanced_start() { replicas_start "$1" "${REPLICAS:-1}"; }
balanced_stop() { replicas_stop; }

# redis_run SCENARIO I DIR: one measured run on fresh, warmed replicas on Redis; the summary in
# DIR/I.json, Redis's own CPU (clock ticks, from the end of the warm-up messages) in DIR/I.redis-ticks.
redis_run() {
  local s=$1 i=$2 dir=$3 gen before; mkdir -p "$dir"
  redis_start "$dir"
  # the balancer splits each run over the replicas: each warm-up run once per replica gives each
  # replica the warm-up a lone relay gets
  warm_up "$s" "$REPLICA_COUNT" "$REPLICA_PIDS" "$dir" $REPLICA_PORTS
  wsbench_run "$s" relay "$RELAY_PORT" "$REPLICA_PIDS" "redis-$s" > "$dir/$i.json" 2> "$dir/$i.log" &
  gen=$!
  until grep -q 'warm-up:' "$dir/$i.log" 2>/dev/null || ! kill -0 "$gen" 2>/dev/null; do sleep 0.1; done
  before=$(cpu_ticks "$REDIS_PID")
  wait "$gen"
  echo $(( $(cpu_ticks "$REDIS_PID") - before )) > "$dir/$i.redis-ticks"
  redis_stop
}

# balanced_run SCENARIO I DIR: one measured run on fresh, warmed memory-engine relays behind the
# same balancer; the summary in DIR/I.json.
balanced_run() {
  local s=$1 i=$2 dir=$3; mkdir -p "$dir"
  balanced_start "$dir"
  warm_up "$s" "$REPLICA_COUNT" "$REPLICA_PIDS" "$dir" $REPLICA_PORTS
  wsbench_run "$s" relay "$RELAY_PORT" "$REPLICA_PIDS" "balanced-$s" > "$dir/$i.json" 2> "$dir/$i.log"
  balanced_stop
}

# cpu_ticks PID: utime+stime in clock ticks (for Redis CPU per delivery).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# rss_kb / pss_kb PIDS: resident (VmRSS) or proportional (Pss, shared pages divided among the
# processes that map them) memory in KB, summed over the comma-separated pids.
rss_kb() { sum_proc_kb status VmRSS "$1"; }
pss_kb() { sum_proc_kb smaps_rollup Pss "$1"; }
sum_proc_kb() { local p s=0; for p in ${3//,/ }; do s=$((s + $(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/$1"))); done; echo $s; }

# warmups_of SCENARIO: the unmeasured runs a relay gets before a measured one: enough publishes of
# the same shape for the JIT to compile the publish path with C2 (scenario a's 300 do not reach
# C2's thresholds: after one a run, 12 to 15% of the next run's CPU went to the compilers), then
# the scenario itself. c's 57,000 publishes are enough (a second run of c made the next one slower,
# not faster: 42 to 44 us per delivery against 35); latency is warmed with c.
warmups_of() {
  case "$1" in
    a) echo a-long a ;;
    b) echo b-long b ;;
    *) echo c ;;
  esac
}

# warm_up SCENARIO TIMES PIDS DIR PORT...: the warm-up runs through RELAY_PORT, each TIMES times (a
# replica behind the balancer gets half of each run), each until the relays on PORT... hold no
# WebSocket, then until the JITs are idle.
warm_up() {
  local s=$1 times=$2 pids=$3 dir=$4 w i; shift 4
  for w in $(warmups_of "$s"); do
    for i in $(seq 1 "$times"); do
      # a warm-up run that loses frames (aborted, slow consumers closed) has warmed all the same
      wsbench_run "$w" relay "$RELAY_PORT" "$pids" warmup > "$dir/warmup-$w-$i.json" 2>/dev/null || true
      wait_closed "$@"
    done
  done
  wait_jit_idle ${pids//,/ }
}

# wait_jit_idle PID...: until the JITs of these JVMs have compiled nothing for 2 s (at most 60 s).
# The relay shares one core: under load its C2 compiler falls behind (the thresholds for compiling
# rise with its queue), and what it has not compiled yet is compiled during the next measurement.
wait_jit_idle() {
  local last="" now
  for _ in $(seq 1 60); do
    now=$(for pid in "$@"; do cat /proc/"$pid"/task/*/stat 2>/dev/null; done \
      | awk '/\(C[12] CompilerThre\)/ { t += $14 + $15 } END { print t + 0 }')
    [ "$now" = "$last" ] && return 0
    last=$now; sleep 2
  done
}
