package io.relay.transport.ws;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relay.channel.ChannelName;
import io.relay.subscribe.SubscriptionStart;
import io.relay.transport.ServerMessages;

/** The WebSocket-only control frames ({@code subscribed}, {@code error}, ...), as JSON text. */
final class WsFrames {

    static final String PONG = "{\"type\":\"pong\"}";

    private WsFrames() {
    }

    static String subscribed(SubscriptionStart start) {
        return ServerMessages.position(ServerMessages.object().put("type", "subscribed"), start).toString();
    }

    static String unsubscribed(ChannelName channel) {
        return ServerMessages.object().put("type", "unsubscribed").put("channel", channel.value()).toString();
    }

    static String error(String code, String channel, String message) {
        ObjectNode frame = ServerMessages.object().put("type", "error").put("code", code);
        if (channel != null) {
            frame.put("channel", channel);
        }
        return frame.put("message", message).toString();
    }
}
