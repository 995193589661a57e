"""Where two profiles of the same scenario differ, in CPU microseconds per delivery: each
async-profiler collapsed-stack file is split by what the event loop was doing (reading an HTTP
request, a Redis reply, a Pub/Sub message, running a delivery task, waiting in epoll, ...), user and
kernel ([k]) apart, and scaled to the run's measured CPU per delivery. Closing connections, which
the profile's end can catch, is left out.
Usage: python3 bench/profile-diff.py A.collapsed A_US_PER_DELIVERY B.collapsed B_US_PER_DELIVERY"""
import collections
import sys

ACTIVITIES = [  # first match wins
    ("RedisFanout.onMessage", "Pub/Sub message: decode, hand to the hub"),
    ("RedisBroker.settle", "Redis reply: complete the publishes, write their HTTP answers"),
    ("RedisBroker", "Redis send: build and write the script call"),
    ("RESPParser", "Redis connection: other reading"),
    ("Http1xServerConnection.handleMessage", "HTTP request: parse, authorise, publish"),
    ("ChannelSubscribers.lambda$deliver", "delivery task: write the frame"),
    ("epollWait", "epoll wait"),
    ("epoll_pwait", "epoll wait"),
    ("processReady", "socket reads, decoding, flushes"),
    ("runAllTasks", "other tasks"),
]


def activity(stack):
    frames = stack.split(";")
    if not frames[0].startswith("java/lang/Thread"):
        return "JIT compiler" if "Compile" in stack else "GC and other JVM threads"
    name = next((label for key, label in ACTIVITIES if key in stack), "event loop, other")
    return name + (" [k]" if frames[-1].endswith("_[k]") else "")


def load(path, us_per_delivery):
    samples, total = collections.Counter(), 0
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        if "fireChannelInactive" in stack or "AbstractUnsafe.close" in stack:
            continue
        samples[activity(stack)] += int(count)
        total += int(count)
    return {name: n / total * us_per_delivery for name, n in samples.items()}


a, b = load(sys.argv[1], float(sys.argv[2])), load(sys.argv[3], float(sys.argv[4]))
print("| activity | A µs/delivery | B µs/delivery | B - A |\n| --- | --- | --- | --- |")
for name in sorted(set(a) | set(b), key=lambda n: a.get(n, 0) - b.get(n, 0)):
    print(f"| {name} | {a.get(name, 0):.1f} | {b.get(name, 0):.1f} | {b.get(name, 0) - a.get(name, 0):+.1f} |")
print(f"| total | {sum(a.values()):.1f} | {sum(b.values()):.1f} | {sum(b.values()) - sum(a.values()):+.1f} |")
