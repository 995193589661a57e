"""The hottest frames of an async-profiler collapsed-stack file: self time, and inclusive time of
the relay's, Vert.x's and Netty's own methods (each counted once per stack)."""
import collections
import sys

self_time, inclusive, total = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, _, count = line.rstrip().rpartition(" ")
    n = int(count)
    frames = stack.split(";")
    total += n
    self_time[frames[-1]] += n
    for frame in set(frames):
        if frame.startswith(("io/relay", "io/vertx", "io/netty", "io/quarkus", "io/micrometer", "com/fasterxml", "org/jboss/resteasy")):
            inclusive[frame] += n
top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
print(f"{total} samples\n-- self --")
for frame, n in self_time.most_common(top):
    print(f"{100 * n / total:5.1f}%  {frame}")
print("-- inclusive (relay, Vert.x, Netty, Quarkus, Micrometer, Jackson, RESTEasy) --")
for frame, n in inclusive.most_common(top + 20):
    print(f"{100 * n / total:5.1f}%  {frame}")
