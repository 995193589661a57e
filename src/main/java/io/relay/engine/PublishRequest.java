package io.relay.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.relay.channel.ChannelName;

/**
 * A validated publish: one notification for each of {@code channels} (1 to 1000, distinct).
 *
 * @param id the publish id, carried by every notification it creates
 * @param event optional event name
 * @param data the payload as JSON text, already validated
 * @param ttl how long after publishing its notifications may be delivered; null: as long as history keeps them
 */
public record PublishRequest(String id, List<ChannelName> channels, String event, String data, Duration ttl) {

    public PublishRequest(String id, List<ChannelName> channels, String event, String data) {
        this(id, channels, event, data, null);
    }

    /** When notifications published at {@code time} expire, or null. */
    public Instant expiresAt(Instant time) {
        return ttl == null ? null : time.plus(ttl);
    }
}
