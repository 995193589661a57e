package io.relay.publish;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.relay.channel.ChannelName;
import io.relay.channel.InvalidChannelException;
import io.relay.engine.PublishRequest;
import io.relay.problem.Problem;
import io.relay.problem.ClientText;
import io.relay.problem.ProblemException;

/**
 * Reads a publish body into a {@link PublishRequest}, or says precisely what is wrong with it.
 * Duplicate keys, trailing content and unknown fields are refused, so a typo never publishes
 * something other than what was meant.
 */
final class PublishParser {

    static final int MAX_CHANNELS = 100;
    static final int MAX_EVENT_LENGTH = 64;
    private static final Set<String> FIELDS = Set.of("channel", "channels", "event", "data");
    /** Numbers are read exactly (BigDecimal, trailing zeros kept), so data goes out as it came in. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private PublishParser() {
    }

    static PublishRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("the body is empty: send a JSON object with channel (or channels) and data");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the body must be a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid("unknown field " + ClientText.quote(name) + ": the fields are channel, channels, event, data");
            }
        }
        List<ChannelName> channels = channels(root);
        String event = event(root.get("event"));
        JsonNode data = root.get("data");
        if (data == null) {
            throw invalid("data is required (any JSON value)");
        }
        return new PublishRequest(UUID.randomUUID().toString(), channels, event, data.toString());
    }

    private static List<ChannelName> channels(JsonNode root) {
        JsonNode channel = root.get("channel");
        JsonNode channels = root.get("channels");
        if (channel != null && channels != null) {
            throw invalid("give channel or channels, not both");
        }
        if (channel != null) {
            return List.of(channelName(channel, "channel"));
        }
        if (channels == null) {
            throw invalid("channel (a name) or channels (an array of 1 to 100 names) is required");
        }
        if (!channels.isArray() || channels.isEmpty() || channels.size() > MAX_CHANNELS) {
            throw invalid("channels must be an array of 1 to " + MAX_CHANNELS + " channel names");
        }
        Set<ChannelName> names = new LinkedHashSet<>();
        for (JsonNode name : channels) {
            if (!names.add(channelName(name, "channels"))) {
                throw invalid("channels lists '" + name.textValue() + "' twice");
            }
        }
        return new ArrayList<>(names);
    }

    private static ChannelName channelName(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw invalid(field + " must hold channel names as strings");
        }
        try {
            return ChannelName.of(node.textValue());
        } catch (InvalidChannelException e) {
            throw invalid(e.getMessage());
        }
    }

    private static String event(JsonNode event) {
        if (event == null || event.isNull()) {
            return null;
        }
        if (!event.isTextual() || event.textValue().isEmpty() || event.textValue().length() > MAX_EVENT_LENGTH) {
            throw invalid("event must be a string of 1 to " + MAX_EVENT_LENGTH + " characters");
        }
        return event.textValue();
    }

    private static ProblemException invalid(String detail) {
        return Problem.INVALID_REQUEST.exception(detail);
    }
}
