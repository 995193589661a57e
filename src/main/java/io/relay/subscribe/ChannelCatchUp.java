package io.relay.subscribe;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * The catch-ups of one channel on this replica. Its subscriptions' requests are merged into one
 * history read from the earliest position any of them needs, and the page goes to every
 * subscription, each taking what follows its own position: after a Redis blip, fifty thousand
 * subscribers of one channel cost one read, not fifty thousand. At most one read per channel is
 * queued or running; requests that come meanwhile are merged into the next one.
 */
final class ChannelCatchUp {

    private final ChannelSubscribers subscribers;
    private final CatchUps catchUps;
    /** Guarded by {@code this}: where the next read starts (null when none is wanted). */
    private StreamPosition from;
    /** Guarded by {@code this}: a read is queued, running or waiting to retry. */
    private boolean scheduled;
    /** Guarded by {@code this}: reads failed in a row, for the retry's backoff. */
    private int failures;

    ChannelCatchUp(ChannelSubscribers subscribers, CatchUps catchUps) {
        this.subscribers = subscribers;
        this.catchUps = catchUps;
    }

    ChannelName channel() {
        return subscribers.channel();
    }

    /** A subscription at {@code position} needs what history holds after it. */
    void need(StreamPosition position) {
        boolean enqueue;
        synchronized (this) {
            from = from == null ? position : earliest(from, position);
            enqueue = !scheduled;
            scheduled = true;
        }
        if (enqueue) {
            catchUps.enqueue(this);
        }
    }

    /** Where the read that starts now begins; the requests it covers are taken. */
    synchronized StreamPosition take() {
        StreamPosition since = from;
        from = null;
        return since;
    }

    /** Hands the page to every subscription of the channel, each on its own event loop. */
    void deliver(CatchUpPage page) {
        synchronized (this) {
            failures = 0;
        }
        subscribers.forEach(subscription -> subscription.caughtUp(page));
    }

    /** The read from {@code since} failed: it is wanted again. Returns how many reads failed in a row. */
    synchronized int failed(StreamPosition since) {
        from = from == null ? since : earliest(from, since);
        return ++failures;
    }

    /** A read is over; true when another is wanted (requests came meanwhile, or it failed). */
    synchronized boolean again() {
        scheduled = from != null && !subscribers.isDetached();
        return scheduled;
    }

    /** Positions of two epochs have no common "earliest": read everything retained. */
    private static StreamPosition earliest(StreamPosition a, StreamPosition b) {
        if (!a.epoch().equals(b.epoch())) {
            return StreamPosition.ORIGIN;
        }
        return a.offset() <= b.offset() ? a : b;
    }
}
