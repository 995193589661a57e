"""Median and spread (min-max) over the runs of one scenario, per service, as a Markdown table."""
import json
import statistics
import sys

base, runs = sys.argv[1], int(sys.argv[2])
scenario = base.rstrip("/").rsplit("/", 1)[1]


def figures(path):
    d = json.load(open(path))
    p = d.get("peer", {})
    return {
        "cpu_us": p.get("cpu_us_per_delivery", float("nan")),
        "p50_ms": d["latency_us"]["p50"] / 1000,
        "p99_ms": d["latency_us"]["p99"] / 1000,
        "missing": d["missing"],
        "dup": d["duplicates"],
        "delivered": d["deliveries"],
        "rss_mb": p.get("rss_kb_end", 0) / 1024,
        "gen_cores": d.get("gen_cpu_cores_measure", float("nan")),
    }


def cell(values, fmt):
    med = statistics.median(values)
    return (fmt % med) + " (" + (fmt % min(values)) + "-" + (fmt % max(values)) + ")"


print(f"| scenario {scenario} | CPU µs/delivery | latency p50 ms | latency p99 ms | missing | dup | RSS MB | generator cores |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for service in ("relay", "nchan", "floor"):
    rows = []
    for i in range(1, runs + 1):
        try:
            rows.append(figures(f"{base}/{i}/{service}-{scenario}.json"))
        except (OSError, ValueError, KeyError):
            pass
    if not rows:
        continue
    col = lambda k: [r[k] for r in rows]
    print(f"| {service} | {cell(col('cpu_us'), '%.2f')} | {cell(col('p50_ms'), '%.1f')} | {cell(col('p99_ms'), '%.1f')} "
          f"| {sum(col('missing'))} | {sum(col('dup'))} | {cell(col('rss_mb'), '%.0f')} | {cell(col('gen_cores'), '%.2f')} |")
ratios = []
for i in range(1, runs + 1):
    try:
        ratios.append(figures(f"{base}/{i}/relay-{scenario}.json")["cpu_us"] / figures(f"{base}/{i}/nchan-{scenario}.json")["cpu_us"])
    except (OSError, ValueError, KeyError, ZeroDivisionError):
        pass
if ratios:
    print(f"\nrelay/nchan per run: {', '.join('%.2f' % r for r in ratios)}; median {statistics.median(ratios):.2f}")
