package io.relay.subscribe;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/** A channel to subscribe to, from {@code since} (null: from now). */
public record ChannelRequest(ChannelName channel, StreamPosition since) {
}
