package io.relay.transport;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relay.subscribe.CloseCode;
import io.relay.subscribe.SubscriptionStart;

/** Messages every transport sends in the same shape: the welcome, a channel's start, why the server ended a stream. */
public final class ServerMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerMessages() {
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /**
     * @param heartbeat the longest the connection stays quiet while healthy (SSE's comment interval,
     *        the WebSocket ping interval): a client hearing nothing for twice as long may take it as dead
     */
    public static String welcome(String user, List<SubscriptionStart> starts, Duration heartbeat) {
        ObjectNode message = object().put("type", "welcome").put("user", user).put("heartbeat", heartbeat.toMillis());
        ArrayNode channels = message.putArray("channels");
        starts.forEach(start -> position(channels.addObject(), start));
        return message.toString();
    }

    public static ObjectNode position(ObjectNode node, SubscriptionStart start) {
        return node.put("channel", start.channel().value())
                .put("epoch", start.latest().epoch())
                .put("offset", start.latest().offset())
                .put("recovered", start.recovered());
    }

    /** {@code {"type":"close","code":4003,"reason":"...","reconnect":false}}: the WebSocket close code and what to do. */
    public static ObjectNode close(CloseCode code) {
        return object().put("type", "close").put("code", code.code()).put("reason", code.reason())
                .put("reconnect", code.reconnect());
    }
}
