package io.relay.engine;

import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * What a publish created: its id and, per channel, where the notification landed; with {@code inbox},
 * how many users' inboxes kept it (null for a publish without {@code inbox}).
 */
public record PublishResult(String id, List<Placement> channels, Integer inboxStored) {

    public PublishResult(String id, List<Placement> channels) {
        this(id, channels, null);
    }

    public PublishResult withInboxStored(int stored) {
        return new PublishResult(id, channels, stored);
    }

    public record Placement(ChannelName channel, StreamPosition position) {
    }
}
