package io.relay.subscribe;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * How a subscription began: the channel's position when it started (replay runs up to and including
 * it), whether the client's own position was recovered without a gap, and, when its limit cut the
 * replay short of {@code latest}, where it stopped: its last notification read, sent or skipped as
 * expired ({@code cutAt}, null when the replay ran to {@code latest}).
 */
public record SubscriptionStart(ChannelName channel, StreamPosition latest, boolean recovered, StreamPosition cutAt) {

    public boolean isCutShort() {
        return cutAt != null;
    }
}
