package io.relay.publish;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import io.relay.channel.ChannelName;
import io.relay.channel.InvalidChannelException;
import io.relay.engine.PublishRequest;
import io.relay.problem.Problem;
import io.relay.problem.ClientText;
import io.relay.problem.ProblemException;

/**
 * Reads a publish body into a {@link PublishRequest}, or says precisely what is wrong with it.
 * Duplicate keys, trailing content and unknown fields are refused, so a typo never publishes
 * something other than what was meant. One pass of Jackson's streaming parser: {@code data} is
 * validated and copied compact into the JSON text the notification carries, with numbers exactly as
 * sent (no parse tree, no conversion), so data goes out as it came in.
 *
 * <p>The body must be Unicode text: the JDK's UTF-8 decoder reads it first and refuses what is not
 * UTF-8 (overlong forms, encoded surrogates, truncated sequences), which Jackson would decode leniently
 * into other characters, and escapes of unpaired surrogates are refused too. What is stored can then
 * always be encoded as the UTF-8 a browser accepts in a WebSocket frame.
 */
final class PublishParser {

    static final int MAX_CHANNELS = 100;
    static final int MAX_USERS = 1000;
    /** Every channel a publish reaches, named or through {@code users}, once each. */
    static final int MAX_TARGETS = 1000;
    static final int MAX_EVENT_LENGTH = 64;
    static final int MAX_DEPTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private PublishParser() {
    }

    /** {@code maxTtl}: the largest {@code ttl} accepted ({@code relay.inbox.retention}). */
    static ParsedPublish parse(byte[] body, Duration maxTtl) {
        CharBuffer text = text(body);
        return read(text.array(), text.arrayOffset() + text.position(), text.remaining(), false, maxTtl);
    }

    /**
     * The body as text, decoded strictly: malformed UTF-8 is refused, never replaced. Its characters
     * are the buffer's, from index 0.
     */
    static CharBuffer text(byte[] body) {
        if (body == null || body.length == 0) {
            throw invalid("the body is empty: send a JSON object with channel (or channels) and data");
        }
        return decode(body);
    }

    /**
     * One publish body at {@code text[offset..offset+length)}; a batch item may also name its
     * {@code idempotencyKey}.
     */
    static ParsedPublish read(char[] text, int offset, int length, boolean batchItem, Duration maxTtl) {
        try (JsonParser json = JSON.createParser(text, offset, length)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("the body must be a JSON object");
            }
            Fields fields = new Fields();
            for (JsonToken token = json.nextToken(); token != JsonToken.END_OBJECT; token = json.nextToken()) {
                String name = json.currentName();
                JsonToken value = json.nextToken();
                switch (name) {
                    case "channel" -> fields.channel = channelName(json, value, "channel");
                    case "channels" -> fields.channels = channels(json, value);
                    case "users" -> fields.users = users(json, value);
                    case "event" -> fields.event = event(json, value);
                    case "data" -> fields.data = unicode(copy(json, length), "data");
                    case "ttl" -> fields.ttl = ttl(json, value, maxTtl);
                    case "inbox" -> fields.inbox = inbox(value);
                    case "idempotencyKey" -> {
                        if (!batchItem) {
                            throw unknown(name, false);
                        }
                        fields.idempotencyKey = idempotencyKey(json, value);
                    }
                    default -> throw unknown(name, batchItem);
                }
            }
            if (json.nextToken() != null) {
                throw invalid("the body is not valid JSON: content after the object");
            }
            return new ParsedPublish(fields.request(), fields.idempotencyKey, fields.inbox);
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the body could not be read");
        }
    }

    /**
     * A publish as read, with the idempotency key its batch item named, if any, and whether its users'
     * inboxes keep it.
     */
    record ParsedPublish(PublishRequest request, String idempotencyKey, boolean inbox) {
    }

    private static ProblemException unknown(String name, boolean batchItem) {
        return invalid("unknown field " + ClientText.quote(name) + ": the fields are channel, channels, users, event, data, ttl, inbox"
                + (batchItem ? ", idempotencyKey" : ""));
    }

    /** What the body named, checked together once it has been read whole. */
    private static final class Fields {
        ChannelName channel;
        List<ChannelName> channels;
        List<String> users;
        String event;
        String data;
        Duration ttl;
        boolean inbox;
        String idempotencyKey;

        PublishRequest request() {
            if (channel != null && channels != null) {
                throw invalid("give channel or channels, not both");
            }
            if (channel == null && channels == null && users == null) {
                throw invalid("channel (a name), channels (an array of 1 to " + MAX_CHANNELS
                        + " names) or users (an array of 1 to " + MAX_USERS + " user ids) is required");
            }
            if (data == null) {
                throw invalid("data is required (any JSON value)");
            }
            List<ChannelName> targets = targets();
            if (inbox && targets.stream().noneMatch(ChannelName::isPersonal)) {
                throw invalid("inbox:true needs a user to keep it: give users, or a user:<id> channel");
            }
            return new PublishRequest(UUID.randomUUID().toString(), targets, event, data, ttl);
        }

        /** The channels named, then each user's personal channel: once each, in order of first mention. */
        private List<ChannelName> targets() {
            Set<ChannelName> targets = new LinkedHashSet<>();
            if (channel != null) {
                targets.add(channel);
            } else if (channels != null) {
                targets.addAll(channels);
            }
            if (users != null) {
                users.forEach(user -> targets.add(ChannelName.personal(user)));
            }
            if (targets.size() > MAX_TARGETS) {
                throw invalid("the publish reaches " + targets.size() + " distinct channels (channel, channels and users "
                        + "together): at most " + MAX_TARGETS);
            }
            return List.copyOf(targets);
        }
    }

    private static List<ChannelName> channels(JsonParser json, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw invalid("channels must be an array of 1 to " + MAX_CHANNELS + " channel names");
        }
        Set<ChannelName> names = new LinkedHashSet<>();
        for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
            ChannelName name = channelName(json, element, "channels");
            if (!names.add(name)) {
                throw invalid("channels lists '" + name.value() + "' twice");
            }
            if (names.size() > MAX_CHANNELS) {
                throw invalid("channels must be an array of 1 to " + MAX_CHANNELS + " channel names");
            }
        }
        if (names.isEmpty()) {
            throw invalid("channels must be an array of 1 to " + MAX_CHANNELS + " channel names");
        }
        return new ArrayList<>(names);
    }

    private static List<String> users(JsonParser json, JsonToken value) throws IOException {
        String rule = "users must be an array of 1 to " + MAX_USERS + " user ids";
        if (value != JsonToken.START_ARRAY) {
            throw invalid(rule);
        }
        List<String> users = new ArrayList<>();
        for (JsonToken element = json.nextToken(); element != JsonToken.END_ARRAY; element = json.nextToken()) {
            if (element != JsonToken.VALUE_STRING) {
                throw invalid(rule + " (strings)");
            }
            String user = json.getText();
            if (!ChannelName.isValidUserId(user)) {
                throw invalid("users holds " + ClientText.quote(user) + ", which is not a user id: 1 to "
                        + ChannelName.MAX_USER_ID_LENGTH + " characters of A-Z a-z 0-9 _ - . : @ = +");
            }
            if (users.size() == MAX_USERS) {
                throw invalid(rule);
            }
            users.add(user);
        }
        if (users.isEmpty()) {
            throw invalid(rule);
        }
        return users;
    }

    private static String idempotencyKey(JsonParser json, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw IdempotencyKey.malformed();
        }
        return IdempotencyKey.check(json.getText());
    }

    private static ChannelName channelName(JsonParser json, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw invalid(field + " must hold channel names as strings");
        }
        try {
            return ChannelName.of(json.getText());
        } catch (InvalidChannelException e) {
            throw invalid(e.getMessage());
        }
    }

    private static boolean inbox(JsonToken value) {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw invalid("inbox must be true or false");
        }
        return value == JsonToken.VALUE_TRUE;
    }

    /** Whole seconds from 1 to {@code maxTtl}: a fraction or an exponent is refused, not rounded. */
    private static Duration ttl(JsonParser json, JsonToken value, Duration maxTtl) throws IOException {
        String rule = "ttl must be a whole number of seconds from 1 to " + maxTtl.toSeconds() + " (relay.inbox.retention)";
        if (value != JsonToken.VALUE_NUMBER_INT || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw invalid(rule);
        }
        long seconds = json.getLongValue();
        if (seconds < 1 || seconds > maxTtl.toSeconds()) {
            throw invalid(rule);
        }
        return Duration.ofSeconds(seconds);
    }

    private static String event(JsonParser json, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING || json.getTextLength() == 0 || json.getText().length() > MAX_EVENT_LENGTH) {
            throw invalid("event must be a string of 1 to " + MAX_EVENT_LENGTH + " characters");
        }
        return unicode(json.getText(), "event");
    }

    private static CharBuffer decode(byte[] body) {
        ByteBuffer bytes = ByteBuffer.wrap(body);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes);
        } catch (CharacterCodingException e) {
            throw invalid("the body is not valid UTF-8 (at byte " + bytes.position() + ")");
        }
    }

    /**
     * {@code text} when each of its surrogates is half of a pair. Jackson decodes the JSON escape of
     * half a pair (U+D800 alone, say) to a lone surrogate, which no UTF-8 can encode; the JDK has no
     * check for this short of encoding the text again.
     */
    private static String unicode(String text, String field) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(field + " holds an unpaired surrogate (\\u" + Integer.toHexString(c)
                        + "): it cannot be sent as UTF-8; escape both halves of a pair");
            }
        }
        return text;
    }

    /** The value at the parser, whole, as compact JSON text; numbers as written, not converted. */
    private static String copy(JsonParser json, int bodyLength) throws IOException {
        StringWriter text = new StringWriter(Math.min(bodyLength, 1024));
        try (JsonGenerator out = JSON.createGenerator(text)) {
            int depth = 0;
            do {
                JsonToken token = json.currentToken();
                switch (token) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> {
                    }
                }
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    out.writeNumber(json.getText());
                } else {
                    out.copyCurrentEvent(json);
                }
            } while (depth > 0 && json.nextToken() != null);
        }
        return text.toString();
    }

    static ProblemException invalid(String detail) {
        return Problem.INVALID_REQUEST.exception(detail);
    }
}
