#!/usr/bin/env bash
# Profiles the packaged relay (memory engine, prod profile, core 0) with async-profiler (CPU, itimer)
# while ../shared/wsbench runs one scenario on core 1, from the end of its warm-up to the end of the
# publishing (connecting, warming up, draining and closing are left out), and prints the hottest frames: self time, and
# inclusive time of relay, Vert.x and Netty methods. The flame-graph input stays in $OUT/profile.collapsed.
# With "warm", the process(es) are first warmed unprofiled, as bench/run-all.sh warms them (warm_up);
# without, the profile is of a cold JVM, as ../shared/wsbench/compare.sh measures it.
# With ENGINE=redis, the two replicas on Redis of bench/run-all.sh are profiled instead (both, one
# flame-graph input each, and their hottest frames together); with ENGINE=balanced, the memory
# engine behind the same balancer (REPLICAS and BALANCER as in bench/scenarios.sh set how many
# replicas and how they are balanced). bench/profile-diff.py compares two profiles activity by activity.
# With EVENT=count, perf stat counts instead, over the same window: CPU, context switches and system
# calls per delivery of the relays (and of redis-server).
# Usage, from the project root: [ENGINE=redis|balanced] [EVENT=cpu|count] bench/profile.sh a|b|c|latency [warm]
# async-profiler comes from Maven Central (tools.profiler:async-profiler), fetched once by the wrapper.
set -euo pipefail
S="${1:?scenario a, b, c or latency}"; WARM="${2:-}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/profile-$S"; rm -rf "$OUT"; mkdir -p "$OUT"
AP_VERSION=4.1
AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
[ -f "$AP_JAR" ] || ./mvnw -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION"
AP_DIR="${TMPDIR:-/tmp}/async-profiler-$AP_VERSION"
[ -f "$AP_DIR/linux-x64/libasyncProfiler.so" ] || { mkdir -p "$AP_DIR" && (cd "$AP_DIR" && unzip -q -o "$AP_JAR"); }
. "$ROOT/bench/scenarios.sh"
package_if_stale
ulimit -n "$(ulimit -Hn)"
LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
if [ "${ENGINE:-memory}" = redis ]; then
  redis_start "$OUT"; PIDS="$REPLICA_PIDS"; PORT=$RELAY_PORT; PORTS=$REPLICA_PORTS
  trap redis_stop EXIT
elif [ "${ENGINE:-memory}" = balanced ]; then
  balanced_start "$OUT"; PIDS="$REPLICA_PIDS"; PORT=$RELAY_PORT; PORTS=$REPLICA_PORTS
  trap balanced_stop EXIT
else
  relay_start 18091 > "$OUT/relay.log" 2>&1 &
  PIDS=$!; PORT=18091; PORTS=$PORT
  trap 'kill $PIDS 2>/dev/null' EXIT
  wait_ready $PORT
fi
if [ "$WARM" = warm ]; then  # as bench/run-all.sh: each replica behind the balancer gets a lone relay's warm-up
  warm_up "$S" "${REPLICA_COUNT:-1}" "$PIDS" "$OUT" $PORTS
fi
wsbench_run "$S" relay $PORT "$PIDS" "relay-$S" > "$OUT/wsbench.json" 2> "$OUT/wsbench.log" &
GEN=$!
until grep -q 'warm-up:' "$OUT/wsbench.log" 2>/dev/null || ! kill -0 "$GEN" 2>/dev/null; do sleep 0.2; done
if [ "${EVENT:-}" = count ]; then  # kernel counters instead of a profile, one perf stat per role
  command -v perf >/dev/null || apt-get install -y -qq linux-perf >/dev/null
  COUNTED=("relays:$PIDS"); PERFS=(); [ "${ENGINE:-memory}" = redis ] && COUNTED+=("redis:$REDIS_PID")
  for c in "${COUNTED[@]}"; do
    perf stat -x, -e task-clock,context-switches,raw_syscalls:sys_enter -p "${c#*:}" -o "$OUT/count-${c%%:*}.csv" &
    PERFS+=($!)
  done
else
  for pid in ${PIDS//,/ }; do
    java "$ROOT/bench/ProfilerControl.java" "$pid" "$LIB" start,event=${EVENT:-itimer},interval=${INTERVAL:-1ms}
  done
fi
# stop at the end of publishing (the attach takes about half a second), before the drain and the closes
until grep -q 'published [0-9]* ok' "$OUT/wsbench.log" 2>/dev/null || ! kill -0 "$GEN" 2>/dev/null; do sleep 0.1; done
if [ "${EVENT:-}" = count ]; then
  kill -INT "${PERFS[@]}"; wait "${PERFS[@]}" "$GEN" || true
  python3 - "$OUT/wsbench.json" "$OUT"/count-*.csv <<'PY'
import csv, json, sys
deliveries = json.load(open(sys.argv[1]))["deliveries"]
for path in sys.argv[2:]:
    role = path.rsplit("count-", 1)[1][:-4]
    rows = {r[2]: float(r[0]) for r in csv.reader(l for l in open(path) if l[0].isdigit())}
    print(f"{role}, per delivery: CPU {rows['task-clock'] * 1000 / deliveries:.1f} us (counted), "
          f"context switches {rows['context-switches'] / deliveries:.2f}, "
          f"system calls {rows['raw_syscalls:sys_enter'] / deliveries:.2f}")
PY
else
  for pid in ${PIDS//,/ }; do
    java "$ROOT/bench/ProfilerControl.java" "$pid" "$LIB" "stop,collapsed,file=$OUT/profile-$pid.collapsed"
  done
  wait "$GEN" || true
  cat "$OUT"/profile-*.collapsed > "$OUT/profile.collapsed"
  python3 "$ROOT/bench/hot-frames.py" "$OUT/profile.collapsed"
fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("cpu us/delivery (with the profiler on):", d["peer"]["cpu_us_per_delivery"], "missing", d["missing"], "dup", d["duplicates"])' "$OUT/wsbench.json"
