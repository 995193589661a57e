#!/usr/bin/env bash
# Where a relay's CPU goes during one wsbench scenario's measured window, thread by thread: the event
# loop, the JIT compilers (C1, C2), the GC (VM Thread, with the Serial GC the JVM picks on one CPU).
# The relay is started the way ../shared/wsbench/compare.sh starts it (packaged, prod profile, core 0,
# its own warm-up before readiness and nothing else); the per-thread CPU is read from /proc at the
# window's start (wsbench's warm-up line plus its 1 s settle) and end (its "main process" line).
# Usage, from the project root: bench/window-threads.sh a|b|c [RUNS=1] [ENV=value...]
#   e.g. bench/window-threads.sh c 3 RELAY_WARM_UP_ENABLED=false
set -euo pipefail
S="${1:?scenario a, b or c}"; RUNS="${2:-1}"; shift $(( $# >= 2 ? 2 : 1 ))
ROOT="$(cd "$(dirname "$0")/.." && pwd)"; cd "$ROOT"
OUT="${BENCH_OUT:-/tmp/relay-bench}/window-$S"; rm -rf "$OUT"; mkdir -p "$OUT"
. "$ROOT/bench/scenarios.sh"
package_if_stale

# ticks per thread name (utime + stime, clock ticks of 10 ms), summed over threads of one name
threads() { for t in /proc/"$1"/task/*; do echo "$(tr ' ' _ < "$t/comm") $(awk '{ print $14 + $15 }' "$t/stat")"; done 2>/dev/null \
  | awk '{ a[$1] += $2 } END { for (k in a) print k, a[k] }' | sort; }

for i in $(seq 1 "$RUNS"); do
  relay_start "$RELAY_PORT" "$@" > "$OUT/relay-$i.log" 2>&1 &
  pid=$!
  wait_ready "$RELAY_PORT"
  wsbench_run "$S" relay "$RELAY_PORT" "$pid" "window-$S" > "$OUT/$i.json" 2> "$OUT/$i.log" &
  gen=$!
  until grep -q 'warm-up:' "$OUT/$i.log" 2>/dev/null || ! kill -0 "$gen" 2>/dev/null; do sleep 0.05; done
  sleep 0.9
  threads "$pid" > "$OUT/$i.before"
  until grep -q 'main process: cpu' "$OUT/$i.log" 2>/dev/null || ! kill -0 "$gen" 2>/dev/null; do sleep 0.02; done
  threads "$pid" > "$OUT/$i.after"
  wait "$gen" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "run $i: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%s us per delivery, missing %s, duplicates %s" % (d["peer"]["cpu_us_per_delivery"], d["missing"], d["duplicates"]))' "$OUT/$i.json")"
  join -a2 -e0 -o 0,1.2,2.2 "$OUT/$i.before" "$OUT/$i.after" | awk '$3 > $2 { printf "  %-16s %4d ticks\n", $1, $3 - $2 }' | sort -k2 -rn
  grep -h 'warm-up done' "$OUT/relay-$i.log" | sed 's/^.*\(warm-up done\)/  \1/' || true
done
