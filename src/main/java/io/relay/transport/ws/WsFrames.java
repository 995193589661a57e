package io.relay.transport.ws;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relay.channel.ChannelName;
import io.relay.subscribe.SubscriptionStart;

/** The server's control frames ({@code welcome}, {@code subscribed}, {@code error}, ...), as JSON text. */
final class WsFrames {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PONG = "{\"type\":\"pong\"}";

    private WsFrames() {
    }

    static String welcome(String user, List<SubscriptionStart> starts) {
        ObjectNode frame = JSON.createObjectNode().put("type", "welcome").put("user", user);
        ArrayNode channels = frame.putArray("channels");
        starts.forEach(start -> position(channels.addObject(), start));
        return frame.toString();
    }

    static String subscribed(SubscriptionStart start) {
        return position(JSON.createObjectNode().put("type", "subscribed"), start).toString();
    }

    static String unsubscribed(ChannelName channel) {
        return JSON.createObjectNode().put("type", "unsubscribed").put("channel", channel.value()).toString();
    }

    static String error(String code, String channel, String message) {
        ObjectNode frame = JSON.createObjectNode().put("type", "error").put("code", code);
        if (channel != null) {
            frame.put("channel", channel);
        }
        return frame.put("message", message).toString();
    }

    private static ObjectNode position(ObjectNode node, SubscriptionStart start) {
        return node.put("channel", start.channel().value())
                .put("epoch", start.latest().epoch())
                .put("offset", start.latest().offset())
                .put("recovered", start.recovered());
    }
}
