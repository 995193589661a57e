package io.relay.engine;

import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/** What a publish created: its id and, per channel, where the notification landed. */
public record PublishResult(String id, List<Placement> channels) {

    public record Placement(ChannelName channel, StreamPosition position) {
    }
}
