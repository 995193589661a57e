package io.relay.engine.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.relay.engine.IdempotencyStore;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;

/**
 * Idempotency keys in memory, for the TTL of history and at most {@code maxKeys} of them (the oldest
 * is forgotten first). A retry that arrives while the first publish is still running waits for its
 * result instead of publishing again. The map is guarded by {@code this}; no callback runs under it.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {

    private final Clock clock;
    private final Duration ttl;
    private final int maxKeys;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    public MemoryIdempotencyStore(Clock clock, Duration ttl, int maxKeys) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxKeys = maxKeys;
    }

    @Override
    public Uni<PublishResult> publishOnce(String key, Supplier<Uni<PublishResult>> publish) {
        Entry entry;
        boolean first = false;
        synchronized (this) {
            Instant now = clock.instant();
            expire(now);
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(now, Uni.createFrom().<PublishResult>deferred(publish::get).memoize().indefinitely());
                entries.put(key, entry);
                first = true;
                while (entries.size() > maxKeys) {
                    Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        Entry mine = entry;
        Uni<PublishResult> result = mine.result;
        if (first) {
            result = result.onFailure().invoke(() -> forget(key, mine));
        }
        return result;
    }

    private synchronized void forget(String key, Entry entry) {
        entries.remove(key, entry);
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(ttl);
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext() && it.next().created.isBefore(cutoff)) {
            it.remove();
        }
    }

    private record Entry(Instant created, Uni<PublishResult> result) {
    }
}
