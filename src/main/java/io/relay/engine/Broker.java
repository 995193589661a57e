package io.relay.engine;

import io.relay.channel.ChannelName;
import io.smallrye.mutiny.Uni;

/**
 * Assigns offsets and fans notifications out to this replica's {@link NotificationListener}.
 *
 * <p>Contract: offsets of a channel grow by exactly one per notification, even with concurrent
 * publishers; a multi-channel publish lands on all its channels or on none; the listener sees each
 * channel's notifications in offset order; a publish that fails answers {@link EngineUnavailableException}.
 */
public interface Broker {

    /** Appends one notification per channel to history and hands each to the listener. */
    Uni<PublishResult> publish(PublishRequest request);

    /**
     * This replica now has a subscriber for the channel: (for shared engines) start receiving its
     * notifications. Creates no state for the channel, which may have no history yet. Counted: every
     * call is matched by one {@link #unsubscribe}.
     */
    Uni<Void> subscribe(ChannelName channel);

    void unsubscribe(ChannelName channel);
}
