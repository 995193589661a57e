#!/usr/bin/env bash
# What the Redis engine costs in one scenario: ROUNDS times, two replicas on Redis and one memory-
# engine relay behind the same balancer, each fresh and warmed as bench/run-all.sh does, and the
# relays' CPU per delivery of each with their ratio, per round and as medians. Writes nothing to the
# docs. Settings reach the relays through the environment, e.g. the experiment in
# docs/performance.md: QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=1 bench/engine-cost.sh c
# REPLICAS=N runs N replicas of each engine (default: two on Redis, one on the memory engine), and
# BALANCER=channel balances by channel, so that N memory-engine replicas deliver everything too
# (bench/scenarios.sh): REPLICAS=1 bench/engine-cost.sh c, BALANCER=channel REPLICAS=2 bench/engine-cost.sh c
# Usage, from the project root: bench/engine-cost.sh a|b|c [rounds=2]
set -euo pipefail
S="${1:?scenario a, b or c}"; ROUNDS="${2:-2}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
BASE="${BENCH_OUT:-/tmp/relay-bench}/engine-cost-$S"; rm -rf "$BASE"; mkdir -p "$BASE"
. "$ROOT/bench/scenarios.sh"
package_if_stale
for i in $(seq 1 "$ROUNDS"); do
  redis_run "$S" "$i" "$BASE/redis"
  balanced_run "$S" "$i" "$BASE/balanced"
done
python3 - "$BASE" "$ROUNDS" <<'PY'
import json, statistics, sys
base, rounds = sys.argv[1], int(sys.argv[2])
def us(engine, i):
    d = json.load(open(f"{base}/{engine}/{i}.json"))
    if d["missing"] or d["duplicates"] or d["reordered"]:
        print(f"{engine} run {i}: missing {d['missing']}, duplicates {d['duplicates']}, reordered {d['reordered']}")
    return d["peer"]["cpu_us_per_delivery"]
redis = [us("redis", i) for i in range(1, rounds + 1)]
balanced = [us("balanced", i) for i in range(1, rounds + 1)]
for i, (r, b) in enumerate(zip(redis, balanced), 1):
    print(f"round {i}: redis {r:.2f} us/delivery, balanced {b:.2f}, ratio {r / b:.2f}")
print(f"median: redis {statistics.median(redis):.2f}, balanced {statistics.median(balanced):.2f}, "
      f"ratio {statistics.median(redis) / statistics.median(balanced):.2f}")
PY
