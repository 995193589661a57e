package io.relay.engine.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.Recovery;
import io.relay.channel.StreamPosition;
import io.relay.engine.HistoryPage;
import io.relay.engine.Notification;

/**
 * One channel in memory: its epoch, its offset counter and a ring buffer of the latest notifications.
 * Every field below is guarded by {@code this}; the publish path holds the lock from assigning the
 * offset to handing the notification to the listener, which is what keeps delivery in offset order.
 */
final class MemoryChannel {

    private final ChannelName name;
    private final String epoch;
    private final int capacity;

    private Notification[] ring = new Notification[4];
    private int head;
    private int count;
    private long latest;
    private boolean evicted;

    MemoryChannel(ChannelName name, String epoch, int capacity) {
        this.name = name;
        this.epoch = epoch;
        this.capacity = capacity;
    }

    ChannelName name() {
        return name;
    }

    String epoch() {
        return epoch;
    }

    /** False once swept away: the caller must look the channel up again. */
    boolean isLive() {
        return !evicted;
    }

    long nextOffset() {
        return latest + 1;
    }

    void append(Notification notification) {
        latest = notification.offset();
        if (count == ring.length && ring.length < capacity) {
            grow();
        }
        if (count == ring.length) {
            ring[head] = notification;
            head = (head + 1) % ring.length;
        } else {
            ring[(head + count) % ring.length] = notification;
            count++;
        }
    }

    HistoryPage read(StreamPosition since, int limit, Instant expiredBefore) {
        dropExpired(expiredBefore);
        StreamPosition current = new StreamPosition(epoch, latest);
        long oldest = latest - count + 1;
        boolean recovered = Recovery.isRecovered(since, current, oldest);
        long after = Recovery.replayAfter(since, current, oldest);
        int skip = (int) Math.max(0, after - oldest + 1);
        int take = Math.max(0, Math.min(limit, count - skip));
        List<Notification> page = new ArrayList<>(take);
        for (int i = 0; i < take; i++) {
            page.add(ring[(head + skip + i) % ring.length]);
        }
        return new HistoryPage(current, recovered, page);
    }

    void dropExpired(Instant expiredBefore) {
        while (count > 0 && ring[head].time().isBefore(expiredBefore)) {
            ring[head] = null;
            head = (head + 1) % ring.length;
            count--;
        }
    }

    /**
     * Marks the channel evicted once it retains nothing: its epoch names no history any more. Readers and
     * subscribers do not keep it, so that they cannot hold the engine's capacity (as on Redis, where a
     * channel's keys expire with its last notification).
     */
    boolean evictIfIdle(Instant expiredBefore) {
        dropExpired(expiredBefore);
        if (count == 0) {
            evicted = true;
        }
        return evicted;
    }

    private void grow() {
        Notification[] bigger = new Notification[Math.min(capacity, ring.length * 2)];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
