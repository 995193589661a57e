"""Turns bench/run-all.sh's results into Markdown tables (median, and min-max over the runs) and
writes them into docs/performance.md between the bench markers.
Usage: python3 bench/report.py RESULTS_DIR RUNS docs/performance.md"""
import json
import os
import statistics
import sys

base, runs, doc = sys.argv[1], int(sys.argv[2]), sys.argv[3]
BEGIN, END = "<!-- bench:begin (written by bench/run-all.sh) -->", "<!-- bench:end -->"
TITLES = {
    "a": "a: broadcast, 2,000 subscribers, 200 messages at 50/s",
    "b": "b: broadcast, 10,000 subscribers, 100 messages as fast as possible",
    "c": "c: per-user, 19,000 subscribers with a channel each, 19,000 publishes (16 in flight)",
    "latency": "latency: per-user, 19,000 subscribers, 1,000 publishes/s for 60 s",
}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def results(engine, scenario):
    found = []
    for i in range(1, runs + 1):
        d = load(f"{base}/{engine}/{scenario}/{i}.json")
        if d:
            ticks = f"{base}/{engine}/{scenario}/{i}.redis-ticks"
            if os.path.exists(ticks):
                d["redis_us"] = int(open(ticks).read()) / os.sysconf("SC_CLK_TCK") * 1e6 / max(d["deliveries"], 1)
            found.append(d)
    return found


def cell(values, fmt="%.2f"):
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{fmt % med} ({fmt % min(values)}-{fmt % max(values)})" if len(values) > 1 else fmt % med


def cpu(runs_):
    return [d["peer"]["cpu_us_per_delivery"] for d in runs_]


def row(name, found, ratio_to=None):
    if not found:
        return None
    ratio = "-"
    if ratio_to:
        pairs = [a / b for a, b in zip(cpu(found), cpu(ratio_to)) if b > 0]
        ratio = cell(pairs)
    redis = cell([d["redis_us"] for d in found if "redis_us" in d]) if any("redis_us" in d for d in found) else "-"
    lat = lambda k: [d["latency_us"][k] / 1000 for d in found]
    return (f"| {name} | {cell(cpu(found))} | {ratio} | {redis} | "
            f"{sum(d['missing'] for d in found)} / {sum(d['duplicates'] for d in found)} / {sum(d['reordered'] for d in found)} | "
            f"{cell(lat('p50'), '%.1f')} | {cell(lat('p99'), '%.1f')} | {cell(lat('max'), '%.1f')} | "
            f"{cell([d['deliveries'] for d in found], '%d')} |")


out = [BEGIN, "", f"Each cell: median of {runs} runs, (min-max). CPU µs per delivery is the service's CPU over the "
       "measurement window divided by deliveries (both replicas for Redis); the ratio is taken run by run "
       "against Nchan's run of the same round. missing / duplicated / reordered are summed over the runs.", ""]
for s in ("a", "b", "c", "latency"):
    memory, nchan, redis, balanced = (results(e, s) for e in ("memory", "nchan", "redis", "balanced"))
    if not (memory or nchan or redis):
        continue
    out += [f"### {TITLES[s]}", "",
            "| service | CPU µs/delivery | ratio to Nchan | Redis CPU µs/delivery | missing / dup / reordered | latency p50 ms | p99 ms | max ms | deliveries |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for line in (row("relay, memory engine", memory, nchan),
                 row("relay, memory engine, behind the balancer", balanced, nchan),
                 row("relay, Redis engine, 2 replicas behind the balancer", redis, nchan), row("nchan", nchan)):
        if line:
            out.append(line)
    if memory and redis:
        out += ["", f"Redis engine (relay CPU) / memory engine: {cell([r / m for r, m in zip(cpu(redis), cpu(memory))])}"]
    if balanced and redis:
        out += ["", "Redis engine (relay CPU) / memory engine behind the same balancer: "
                f"{cell([r / m for r, m in zip(cpu(redis), cpu(balanced))])}"]
    out.append("")
idle = [d for d in (load(f"{base}/idle/{i}.json") for i in range(1, runs + 1)) if d]
if idle:
    out += ["### idle: authenticated WebSockets held open, no traffic", "",
            "| connections asked | open | relay files open | live heap per connection KB | RSS per connection KB |",
            "| --- | --- | --- | --- | --- |",
            f"| {idle[0]['connections']} | {cell([d['open'] for d in idle], '%d')} | {cell([d['fds_open'] for d in idle], '%d')} | "
            f"{cell([d['heap_kb_per_connection'] for d in idle], '%.1f')} | {cell([d['rss_kb_per_connection'] for d in idle], '%.1f')} |", ""]
out.append(END)
text = open(doc).read()
start, end = text.find(BEGIN), text.find(END)
table = "\n".join(out)
text = text[:start] + table + text[end + len(END):] if start >= 0 and end > start else text.rstrip() + "\n\n" + table + "\n"
open(doc, "w").write(text)
print(table)
