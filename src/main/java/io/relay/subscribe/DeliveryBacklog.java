package io.relay.subscribe;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The deliveries handed to one event loop and not yet run there, bounded by
 * {@code relay.limits.delivery-backlog}, so that a loop that falls behind cannot hold an unbounded
 * number of notifications. Overflow policy: a delivery over the bound is dropped for that loop's
 * subscribers of the channel, and they catch up from history once the loop gets to them (the gap
 * rule of {@link Subscription}): nothing is lost within retention, and publishers are never held up.
 */
final class DeliveryBacklog {

    private final AtomicInteger queued = new AtomicInteger();
    private final int limit;

    DeliveryBacklog(int limit) {
        this.limit = limit;
    }

    /** Takes a place for one delivery; false when the backlog is full. */
    boolean tryAdd() {
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A delivery ran. */
    void done() {
        queued.decrementAndGet();
    }
}
