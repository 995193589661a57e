package io.relay.subscribe;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import io.netty.channel.EventLoop;
import io.relay.auth.Subscriber;
import io.relay.channel.ChannelName;
import io.relay.inbox.InboxCounts;

/**
 * One subscriber connection on any transport. Owned by one event loop ({@link #eventLoop()}): the
 * subscriber, the subscriptions and the closed flag are read and written only there. Other threads
 * reach a session by running a task on that loop.
 */
public final class Session {

    private final EventLoop eventLoop;
    private final Outbound outbound;
    private final int maxPending;
    /** What tells an expired notification (its ttl passed) from one to deliver. */
    private final Clock clock;
    private final Map<ChannelName, Subscription> subscriptions = new LinkedHashMap<>();
    private Subscriber subscriber;
    private ScheduledFuture<?> expiry;
    /** The inbox counts the connection was told last, or will be right after its welcome; null before. */
    private InboxCounts inboxCounts;
    private boolean closed;

    Session(Subscriber subscriber, EventLoop eventLoop, Outbound outbound, int maxPending, Clock clock) {
        this.subscriber = subscriber;
        this.clock = clock;
        this.eventLoop = eventLoop;
        this.outbound = outbound;
        this.maxPending = maxPending;
    }

    public Subscriber subscriber() {
        return subscriber;
    }

    void subscriber(Subscriber refreshed) {
        this.subscriber = refreshed;
    }

    /** Replaces the token-expiry timer, cancelling the previous one. */
    void expiry(ScheduledFuture<?> next) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        expiry = next;
    }

    public EventLoop eventLoop() {
        return eventLoop;
    }

    Outbound outbound() {
        return outbound;
    }

    int maxPending() {
        return maxPending;
    }

    Clock clock() {
        return clock;
    }

    InboxCounts inboxCounts() {
        return inboxCounts;
    }

    void inboxCounts(InboxCounts told) {
        inboxCounts = told;
    }

    Map<ChannelName, Subscription> subscriptions() {
        return subscriptions;
    }

    public boolean isSubscribed(ChannelName channel) {
        return subscriptions.containsKey(channel);
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }
}
