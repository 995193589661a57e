package io.relay.subscribe;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * How a subscription began: the channel's position when it started (replay runs up to and including
 * it), whether the client's own position was recovered without a gap, and where the replay read up
 * to: its last notification, sent or skipped as expired (null when it read none). A replay that ends
 * before {@code latest} was cut at its limit.
 */
public record SubscriptionStart(ChannelName channel, StreamPosition latest, boolean recovered, StreamPosition replayedTo) {

    /** Whether the replay stopped at its limit before the channel's latest position. */
    public boolean isCutShort() {
        return replayedTo != null && replayedTo.epoch().equals(latest.epoch()) && replayedTo.offset() < latest.offset();
    }
}
