package io.relay.engine;

import java.util.List;

import io.relay.channel.ChannelName;

/**
 * A validated publish: one notification for each of {@code channels} (1 to 1000, distinct).
 *
 * @param id the publish id, carried by every notification it creates
 * @param event optional event name
 * @param data the payload as JSON text, already validated
 */
public record PublishRequest(String id, List<ChannelName> channels, String event, String data) {
}
