package io.relay.subscribe;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * How a subscription began: the channel's position when it started (replay runs up to and including
 * it) and whether the client's own position was recovered without a gap.
 */
public record SubscriptionStart(ChannelName channel, StreamPosition latest, boolean recovered) {
}
