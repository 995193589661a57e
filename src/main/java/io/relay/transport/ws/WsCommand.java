package io.relay.transport.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.channel.StreamPosition;
import io.relay.inbox.InboxMark;
import io.relay.inbox.InboxRequests;
import io.relay.problem.ProblemException;

/**
 * A client op, decoded: {@code subscribe} (channel, optional epoch and offset), {@code unsubscribe}
 * (channel), {@code ping}, {@code refresh} (token), {@code inbox.mark} (as {@code POST /api/v1/inbox/mark}).
 * Anything else is a {@link BadCommand}.
 */
sealed interface WsCommand {

    record Subscribe(ChannelName channel, StreamPosition since) implements WsCommand {
    }

    record Unsubscribe(ChannelName channel) implements WsCommand {
    }

    record Ping() implements WsCommand {
    }

    record Refresh(String token) implements WsCommand {
    }

    record InboxMarkOp(InboxMark mark) implements WsCommand {
    }

    /** Refused input; {@code channel} is echoed in the error frame when it was readable. */
    record BadCommand(String channel, String message) implements WsCommand {
    }

    ObjectMapper JSON = jsonWithLimits();

    static WsCommand decode(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return new BadCommand(null, "the message is not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("op").isTextual()) {
            return new BadCommand(null, "a message is a JSON object with an op: subscribe, unsubscribe, ping, refresh or inbox.mark");
        }
        return switch (root.get("op").textValue()) {
            case "subscribe" -> subscribe(root);
            case "unsubscribe" -> {
                JsonNode channel = root.get("channel");
                yield validChannel(channel) ? new Unsubscribe(ChannelName.of(channel.textValue()))
                        : badChannel(channel);
            }
            case "ping" -> new Ping();
            case "inbox.mark" -> inboxMark(root);
            case "refresh" -> root.path("token").isTextual() && !root.get("token").textValue().isEmpty()
                    ? new Refresh(root.get("token").textValue())
                    : new BadCommand(null, "refresh needs a token");
            default -> new BadCommand(null, "unknown op: use subscribe, unsubscribe, ping, refresh or inbox.mark");
        };
    }

    private static WsCommand inboxMark(JsonNode root) {
        try {
            return new InboxMarkOp(InboxRequests.markOp(root));
        } catch (ProblemException refused) {
            return new BadCommand(null, refused.getMessage());
        }
    }

    private static WsCommand subscribe(JsonNode root) {
        JsonNode channel = root.get("channel");
        if (!validChannel(channel)) {
            return badChannel(channel);
        }
        String name = channel.textValue();
        JsonNode epoch = root.get("epoch");
        JsonNode offset = root.get("offset");
        if (epoch == null && offset == null) {
            return new Subscribe(ChannelName.of(name), null);
        }
        if (epoch == null || offset == null || !epoch.isTextual() || !Cursor.isValidEpoch(epoch.textValue())
                || !offset.canConvertToExactIntegral()
                || !offset.canConvertToLong() || offset.longValue() < 0) {
            return new BadCommand(name, "to resume, give both epoch (as received) and offset (an integer >= 0)");
        }
        return new Subscribe(ChannelName.of(name), new StreamPosition(epoch.textValue(), offset.longValue()));
    }

    private static boolean validChannel(JsonNode channel) {
        return channel != null && channel.isTextual() && ChannelName.isValid(channel.textValue());
    }

    private static WsCommand badChannel(JsonNode channel) {
        return new BadCommand(null, channel == null ? "channel is required"
                : "invalid channel name: " + ChannelName.RULE);
    }

    private static ObjectMapper jsonWithLimits() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build());
        return mapper;
    }
}
