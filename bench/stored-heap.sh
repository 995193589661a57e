#!/usr/bin/env bash
# Heap held per notification in the memory engine's history: a packaged relay (RELAY_APP, default
# target/quarkus-app) takes N publishes, each to a channel of its own with the body compare.sh sends,
# and the live heap (jcmd GC.class_histogram, after a full collection) is read before and after.
# Usage: bench/stored-heap.sh [N=20000]; prints bytes and objects per stored notification (the classes that
# grew, a channel's own objects included, as in compare.sh c), and the top classes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/scenarios.sh
N=${1:-20000}
OUT=${OUT:-/tmp/stored-heap}; mkdir -p "$OUT"
[ -n "${RELAY_APP:-}" ] || package_if_stale
relay_start "$RELAY_PORT" > "$OUT/relay.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
wait_ready "$RELAY_PORT"
histogram() { jcmd "$PID" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ && NF >= 4 {print $4, $2, $3}' | sort > "$1"; }
histogram "$OUT/before.txt"
pad=$(printf 'x%.0s' $(seq 1 100))
for ((b = 0; b < N / 100; b++)); do
  body=$(python3 -c 'import json,sys; b,pad=int(sys.argv[1]),sys.argv[2]; print(json.dumps({"notifications":[
    {"channel":"bench:u%d" % (b*100+i),"event":"bench","data":{"t":1,"n":b*100+i,"pad":pad}} for i in range(100)]}))' "$b" "$pad")
  curl -sf -o /dev/null -H "Authorization: Bearer $PUBKEY" -H 'Content-Type: application/json' \
    -d "$body" "http://127.0.0.1:$RELAY_PORT/api/v1/notifications/batch"
done
histogram "$OUT/after.txt"
python3 - "$OUT/before.txt" "$OUT/after.txt" "$N" <<'PY'
import sys
def load(p):
    return {c: (int(n), int(b)) for c, n, b in (l.split() for l in open(p))}
before, after, n = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
diff = {c: (after[c][0] - before.get(c, (0, 0))[0], after[c][1] - before.get(c, (0, 0))[1]) for c in after}
# classes that grew: start-up leftovers the first histogram still held would make a net sum too low
grown = [v for v in diff.values() if v[1] > 0]
print("bytes per stored notification %.0f, objects %.1f" % (sum(b for _, b in grown) / n, sum(o for o, _ in grown if o > 0) / n))
for c, (o, b) in sorted(diff.items(), key=lambda kv: -kv[1][1])[:20]:
    print("  %8.1f B %5.2f objects  %s" % (b / n, o / n, c))
PY
