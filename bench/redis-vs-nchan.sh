#!/usr/bin/env bash
# Relay on Redis against Nchan on Redis, side by side in each round: two Relay replicas on one
# redis-server (fresh, warmed as bench/run-all.sh warms them), then two nginx + Nchan instances on
# one redis-server (nchan_redis_pass), each pair with its Redis on core 0 behind the same TCP
# balancer on core 1. CPU per delivery counts the pair and its Redis; p99 is wsbench's latency.
# Prints each round (a run that loses frames is reported, not stopped) and the medians of the
# ratios relay/Nchan.
# Usage, from the project root: bench/redis-vs-nchan.sh a|b|c [rounds=1]
set -euo pipefail
S="${1:?scenario a, b or c}"; ROUNDS="${2:-1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
BASE="${BENCH_OUT:-/tmp/relay-bench}/redis-vs-nchan-$S"; rm -rf "$BASE"; mkdir -p "$BASE"
. "$ROOT/bench/scenarios.sh"
package_if_stale
for i in $(seq 1 "$ROUNDS"); do
  mkdir -p "$BASE/relay-$i" "$BASE/nchan-$i"
  redis_start "$BASE/relay-$i"
  warm_up "$S" "$REPLICA_COUNT" "$REPLICA_PIDS" "$BASE/relay-$i" $REPLICA_PORTS
  wsbench_run "$S" relay "$RELAY_PORT" "$REPLICA_PIDS,$REDIS_PID" "relay-redis-$S" > "$BASE/relay-$i.json" 2> "$BASE/relay-$i.log" || true
  redis_stop
  nchan_redis_start "$BASE/nchan-$i"
  wsbench_run "$S" nchan "$RELAY_PORT" "$NCHAN_PIDS,$REDIS_PID" "nchan-redis-$S" > "$BASE/nchan-$i.json" 2> "$BASE/nchan-$i.log" || true
  nchan_redis_stop
done
python3 - "$BASE" "$ROUNDS" "$S" <<'PY'
import json, statistics, sys
base, rounds, s = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cpu, p99 = [], []
for i in range(1, rounds + 1):
    r, n = (json.load(open(f"{base}/{who}-{i}.json")) for who in ("relay", "nchan"))
    rc, nc = r["peer"]["cpu_us_per_delivery"], n["peer"]["cpu_us_per_delivery"]
    rl, nl = r["latency_us"]["p99"] / 1000, n["latency_us"]["p99"] / 1000
    cpu.append(rc / nc); p99.append(rl / nl)
    print(f"{s} round {i}: CPU us per delivery relay {rc:.2f}, nchan {nc:.2f}, ratio {rc / nc:.2f}; "
          f"p99 ms relay {rl:.1f}, nchan {nl:.1f}, ratio {rl / nl:.2f}; relay missing {r['missing']} "
          f"duplicated {r['duplicates']} reordered {r['reordered']}; nchan missing {n['missing']} "
          f"duplicated {n['duplicates']}")
print(f"{s} medians of relay/nchan over {rounds} rounds: CPU {statistics.median(cpu):.2f}, p99 {statistics.median(p99):.2f}")
PY
