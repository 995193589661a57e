package io.relay.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * One notification in one channel, as every transport delivers it. The JSON object every transport
 * sends is encoded once, when the notification is created, and the same bytes are written to every
 * subscriber (a WebSocket frame's payload, an SSE {@code data:} line, an element of a poll answer)
 * and replayed from history.
 *
 * <p>Only those bytes and what the engine and transports route by (channel, position, time) are kept:
 * every stored notification survives young collections, and its id, event, data and time as objects of
 * their own were close to half its heap (docs/performance.md). Id, event and data are decoded from the
 * JSON on demand.
 *
 * <p>The JSON is stored after {@link #HEADROOM} free bytes, so a transport can put its framing in front
 * of it in place ({@link #withPrefix}) instead of copying the JSON into a buffer of its own.
 */
public final class Notification {

    private static final JsonFactory JSON = new JsonFactory();
    /** Free bytes in front of the JSON for a transport's framing; a WebSocket frame header takes at most 10. */
    public static final int HEADROOM = 10;

    private final ChannelName channel;
    private final StreamPosition position;
    private final long timeSeconds;
    private final int timeNanos;
    private final int jsonLength;
    /** The headroom, then the JSON. */
    private final ByteBuf bytes;
    private final long createdNanos = System.nanoTime();
    /**
     * A transport's own wire form of this notification, opaque to the engine: filled by the first
     * event loop that delivers it, then read for every connection. Not volatile, because a volatile
     * read in the fan-out loop cost measurably (docs/performance.md): what is stored must be immutable,
     * with final fields, so that it is safely published without one, and a loop that does not see it
     * yet stores an equal one.
     */
    private Object transportCache;

    public Notification(String id, ChannelName channel, StreamPosition position, String event, String data,
            Instant time) {
        this.channel = channel;
        this.position = position;
        this.timeSeconds = time.getEpochSecond();
        this.timeNanos = time.getNano();
        byte[] encoded = encode(id, event, data, time);
        // in direct memory, freed with this object: sockets write it as it is, without a copy per write
        this.bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(encoded.length)
                .put(encoded).flip()));
        this.jsonLength = encoded.length - HEADROOM;
    }

    public ChannelName channel() {
        return channel;
    }

    public StreamPosition position() {
        return position;
    }

    public long offset() {
        return position.offset();
    }

    public Instant time() {
        return Instant.ofEpochSecond(timeSeconds, timeNanos);
    }

    /** Whether it was published before {@code instant}; no allocation, for history's expiry scans. */
    public boolean publishedBefore(Instant instant) {
        return timeSeconds < instant.getEpochSecond()
                || (timeSeconds == instant.getEpochSecond() && timeNanos < instant.getNano());
    }

    /** {@link System#nanoTime()} when this replica created or received it: the start of publish-to-write latency. */
    public long createdNanos() {
        return createdNanos;
    }

    /** Decoded from the JSON: no delivery path reads it. */
    public String id() {
        return decode().id();
    }

    /** Decoded from the JSON; may be null: the event name is optional. */
    public String event() {
        return decode().event();
    }

    /** The data as published (compact JSON text), decoded from the JSON. */
    public String data() {
        return decode().data();
    }

    /**
     * The notification as one line of JSON ({@code {"type":"notification",...}}): a new view of the
     * shared bytes with its own indexes, to be written as it is and not modified.
     */
    public ByteBuf json() {
        return bytes.duplicate().setIndex(HEADROOM, HEADROOM + jsonLength);
    }

    public int jsonLength() {
        return jsonLength;
    }

    /**
     * {@code prefix} (at most {@link #HEADROOM} bytes) followed by the JSON, as one shared read-only
     * buffer, written into the headroom. Every caller must pass the same prefix for this notification
     * (its framing is a function of the JSON), so callers that race write the same bytes.
     */
    public ByteBuf withPrefix(byte[] prefix) {
        int start = HEADROOM - prefix.length;
        ByteBuf framed = bytes.slice(start, prefix.length + jsonLength);
        framed.setBytes(0, prefix);
        return framed;
    }

    /** What a transport stored with {@link #transportCache(Object)}, or null before the first delivery. */
    public Object transportCache() {
        return transportCache;
    }

    public void transportCache(Object encoded) {
        this.transportCache = encoded;
    }

    private byte[] encode(String id, String event, String data, Instant time) {
        ByteArrayBuilder out = new ByteArrayBuilder(data.length() + 200);
        out.write(new byte[HEADROOM], 0, HEADROOM);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "notification");
            json.writeStringField("id", id);
            json.writeStringField("channel", channel.value());
            json.writeStringField("epoch", position.epoch());
            json.writeNumberField("offset", position.offset());
            if (event != null) {
                json.writeStringField("event", event);
            }
            json.writeFieldName("data");
            json.writeRawValue(data);
            json.writeStringField("time", time.toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The fields that only {@link #encode} needed, read back; {@code data} is the raw text between its offsets. */
    private Fields decode() {
        byte[] json = new byte[jsonLength];
        bytes.getBytes(HEADROOM, json);
        String id = null;
        String event = null;
        String data = null;
        try (JsonParser parser = JSON.createParser(json)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "id" -> id = parser.getText();
                    case "event" -> event = parser.getText();
                    case "data" -> {
                        int start = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        parser.finishToken();
                        int end = (int) parser.currentLocation().getByteOffset();
                        data = new String(json, start, end - start, StandardCharsets.UTF_8);
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fields(id, event, data);
    }

    private record Fields(String id, String event, String data) {
    }
}
