#!/usr/bin/env bash
# Relay's SSE and long-poll against Nchan's EventSource and long-poll (issue 24, target 3). N subscribers
# on one transport of one service, in two shapes: broadcast (a round is one publish to everyone's channel)
# and per-user (a round is one publish to each subscriber's own channel). In each round of the script,
# for each shape and mode, a fresh Relay, then a fresh Nchan (../shared/wsbench/peers/nchan), each pinned
# to core 0, with bench/FallbackLoad.java on core 1. Warm-up rounds are published and delivered before
# the measured window. One JSON line per run in $OUT/results.jsonl, then medians of the runs and of the
# relay/Nchan ratios taken round by round.
# With BUILDS="label=dir ...", Relay only: each round runs each packaged build (a quarkus-app directory,
# e.g. one copied before a change and one after) in turn, and the table compares the builds.
# Usage: [BUILDS=...] bench/fallback-vs-nchan.sh [rounds=1] [clients=10000] [shapes="broadcast per-user"] [modes="sse long-poll"]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/scenarios.sh
source bench/scenarios.sh
ROUNDS="${1:-1}"; CLIENTS="${2:-10000}"; SHAPES="${3:-broadcast per-user}"; MODES="${4:-sse long-poll}"
OUT="${OUT:-/tmp/relay-fallback-vs-nchan}"; mkdir -p "$OUT"; : > "$OUT/results.jsonl"
BUILDS="${BUILDS:-}"
[ -n "$BUILDS" ] || package_if_stale

# broadcast: 3 warm-up and 10 measured publishes, one every 2 s (at 2 a second, 10,000 long-polls
# re-asking 20,000 times a second overload the generator's core); on SSE, which the generator reads
# cheaply, 40 measured publishes, 2 a second, so that one run's CPU is not two seconds of a cold JVM;
# per-user: 8 warm-up and 3 measured rounds (a publish to each subscriber), 2,000 publishes a second;
# after 2 warm-up rounds Relay's JIT was still compiling on the server's core in the measured window
load_flags() {
  case "$1 $2" in
    "broadcast sse") echo --warmup 3 --publishes 40 --rate 2 ;;
    broadcast*) echo --warmup 3 --publishes 10 --rate 0.5 ;;
    per-user*) echo --warmup 8 --publishes 3 --rate 2000 ;;
  esac
}

# run_load SERVICE URL PIDS SHAPE MODE [BUILD]: one FallbackLoad run; its JSON line (with the build's label) on
# stdout and in results.jsonl.
run_load() {
  # shellcheck disable=SC2046
  timeout -k 5 300 taskset -c 1 java -Xmx3g bench/FallbackLoad.java --service "$1" --url "$2" --server-pids "$3" \
    --shape "$4" --mode "$5" --clients "$CLIENTS" $(load_flags "$4" "$5") --publisher-key "$PUBKEY" --secret "$SECRET" \
    2>> "$OUT/load.log" | sed "s/^{/{\"build\":\"${6:-}\",/" | tee -a "$OUT/results.jsonl"
}

# run_relay ROUND SHAPE MODE [BUILD [APP]]: one run against a fresh Relay (the given packaged build, else target's).
run_relay() {
  RELAY_APP="${5:-}" relay_start "$RELAY_PORT" > "$OUT/relay-$1-$2-$3${4:+-$4}.log" 2>&1 &
  local pid=$!
  wait_ready "$RELAY_PORT"
  run_load relay "http://127.0.0.1:$RELAY_PORT" "$pid" "$2" "$3" "${4:-}" || true
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  for shape in $SHAPES; do
    for mode in $MODES; do
      echo "round $round: $shape $mode" >&2
      if [ -n "$BUILDS" ]; then
        for build in $BUILDS; do
          run_relay "$round" "$shape" "$mode" "${build%%=*}" "${build#*=}"
        done
        continue
      fi
      run_relay "$round" "$shape" "$mode"
      nchan_start
      run_load nchan http://127.0.0.1:8091 "$NCHAN_PIDS" "$shape" "$mode" || true
      nchan_stop
    done
  done
done

python3 - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def med(values): return statistics.median(values) if values else float("nan")
keys = sorted({(r["shape"], r["mode"]) for r in runs})
builds = list(dict.fromkeys(r["build"] for r in runs if r["build"]))
if builds:
    print("| shape | mode | build | CPU µs per delivery | p99 ms | p50 ms | missing, duplicates, gaps |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for shape, mode in keys:
        for build in builds:
            rs = [r for r in runs if (r["shape"], r["mode"], r["build"]) == (shape, mode, build)]
            print(f"| {shape} | {mode} | {build} | {med([r['cpu_us_per_delivery'] for r in rs]):.2f} "
                  f"| {med([r['latency_ms_p99'] for r in rs]):.1f} | {med([r['latency_ms_p50'] for r in rs]):.1f} "
                  f"| {sum(r['missing'] for r in rs)}, {sum(r['duplicates'] for r in rs)}, {sum(r['gaps'] for r in rs)} |")
    sys.exit(0)
print("| shape | mode | CPU µs per delivery relay / Nchan | ratio | p99 ms relay / Nchan | ratio | p50 ms relay / Nchan | missing, duplicates, gaps relay / Nchan |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for shape, mode in keys:
    relay = [r for r in runs if (r["shape"], r["mode"], r["service"]) == (shape, mode, "relay")]
    nchan = [r for r in runs if (r["shape"], r["mode"], r["service"]) == (shape, mode, "nchan")]
    pairs = list(zip(relay, nchan))
    cpu = med([a["cpu_us_per_delivery"] / b["cpu_us_per_delivery"] for a, b in pairs])
    p99 = med([a["latency_ms_p99"] / b["latency_ms_p99"] for a, b in pairs])
    lost = lambda rs: "%d, %d, %d" % (sum(r["missing"] for r in rs), sum(r["duplicates"] for r in rs), sum(r["gaps"] for r in rs))
    print(f"| {shape} | {mode} | {med([r['cpu_us_per_delivery'] for r in relay]):.2f} / {med([r['cpu_us_per_delivery'] for r in nchan]):.2f} "
          f"| {cpu:.2f} | {med([r['latency_ms_p99'] for r in relay]):.1f} / {med([r['latency_ms_p99'] for r in nchan]):.1f} | {p99:.2f} "
          f"| {med([r['latency_ms_p50'] for r in relay]):.1f} / {med([r['latency_ms_p50'] for r in nchan]):.1f} | {lost(relay)} / {lost(nchan)} |")
PY
