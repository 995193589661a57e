#!/usr/bin/env bash
# The performance benchmark: every scenario of ../shared/wsbench/README.md, RUNS times (default 3),
# on the packaged relay (one replica on the memory engine; two replicas on Redis for a, b and c),
# with Nchan measured the same way next to it, then writes the median and spread of each figure to
# docs/performance.md (between the bench markers). Takes about 75 minutes; uses both cores.
#   a        broadcast, 2,000 subscribers, 200 messages at 50/s
#   b        broadcast, 10,000 subscribers, 100 messages as fast as 4 publishers go
#   c        per-user, 19,000 subscribers with a channel each, 19,000 publishes, 16 in flight
#   latency  per-user, 19,000 subscribers, 1,000 publishes/s for 60 s
#   idle     19,900 idle authenticated WebSockets: heap and RSS per connection (idle-connections.sh)
# Every measured relay run gets a fresh service, warmed first ("warm the service too before you
# measure it", wsbench README): warm_up in scenarios.sh runs the same shape long enough for the JIT
# to finish, then the scenario itself. For the cold figures, as ../shared/wsbench/compare.sh takes
# them, see bench/compare-runs.sh.
# "balanced" runs a, b and c on one memory-engine relay behind the Redis runs' balancer: what the
# Redis engine costs, apart from what the proxy in front of two replicas costs.
# Usage, from the project root: bench/run-all.sh [runs=3] [scenarios="a b c latency idle redis balanced"]
set -uo pipefail
RUNS="${1:-3}"; WHAT="${2:-a b c latency idle redis balanced}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
BASE="${BENCH_OUT:-/tmp/relay-bench}/all"; mkdir -p "$BASE"
. bench/scenarios.sh
package_if_stale || exit 1

relay_memory() {  # scenario run
  local s=$1 i=$2 dir="$BASE/memory/$1"; mkdir -p "$dir"
  relay_start "$RELAY_PORT" > "$dir/relay-$i.log" 2>&1 &
  local pid=$!
  wait_ready "$RELAY_PORT"
  warm_up "$s" 1 "$pid" "$dir" "$RELAY_PORT"
  wsbench_run "$s" relay "$RELAY_PORT" "$pid" "relay-$s" > "$dir/$i.json" 2> "$dir/$i.log"
  kill "$pid"; wait "$pid" 2>/dev/null
}

nchan() {  # scenario run: no JIT to warm; its message buffers are per channel and not replayed to new subscribers
  local s=$1 i=$2 dir="$BASE/nchan/$1"; mkdir -p "$dir"
  nchan_start
  wsbench_run "$s" nchan 8091 "$NCHAN_PIDS" "nchan-$s" > "$dir/$i.json" 2> "$dir/$i.log"
  nchan_stop
}

for s in a b c latency; do
  case " $WHAT " in *" $s "*) ;; *) continue ;; esac
  for i in $(seq 1 "$RUNS"); do
    echo "memory $s run $i" >&2; relay_memory "$s" "$i"
    echo "nchan $s run $i" >&2; nchan "$s" "$i"
  done
done
case " $WHAT " in *" idle "*)
  mkdir -p "$BASE/idle"
  for i in $(seq 1 "$RUNS"); do
    echo "idle run $i" >&2; BENCH_OUT="$BASE/idle/$i" bench/idle-connections.sh 19900 > "$BASE/idle/$i.json"
  done ;;
esac
case " $WHAT " in *" redis "*)
  for s in a b c; do
    for i in $(seq 1 "$RUNS"); do echo "redis $s run $i" >&2; redis_run "$s" "$i" "$BASE/redis/$s"; done
  done ;;
esac
case " $WHAT " in *" balanced "*)
  for s in a b c; do
    for i in $(seq 1 "$RUNS"); do echo "balanced $s run $i" >&2; balanced_run "$s" "$i" "$BASE/balanced/$s"; done
  done ;;
esac
python3 bench/report.py "$BASE" "$RUNS" docs/performance.md
