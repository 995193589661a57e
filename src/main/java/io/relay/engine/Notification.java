package io.relay.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * One notification in one channel, as every transport delivers it. {@code data} is kept as the raw
 * JSON text the publisher sent (already validated), so it is never parsed again. The JSON object
 * every transport sends is encoded once, when the notification is created, and the same bytes are
 * written to every subscriber (a WebSocket frame's payload, an SSE {@code data:} line, an element of
 * a poll answer) and replayed from history.
 *
 * <p>The JSON is stored after {@link #HEADROOM} free bytes, so a transport can put its framing in front
 * of it in place ({@link #withPrefix}) instead of copying the JSON into a buffer of its own.
 */
public final class Notification {

    private static final JsonFactory JSON = new JsonFactory();
    /** Free bytes in front of the JSON for a transport's framing; a WebSocket frame header takes at most 10. */
    public static final int HEADROOM = 10;

    private final String id;
    private final ChannelName channel;
    private final StreamPosition position;
    private final String event;
    private final String data;
    private final Instant time;
    /** Null: it lives as long as history keeps it. Not in the JSON: the notification's shape is the contract's. */
    private final Instant expiresAt;
    /** The headroom, then the JSON. */
    private final ByteBuf bytes;
    private final ByteBuf json;
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
        this(id, channel, position, event, data, time, null);
    }

    public Notification(String id, ChannelName channel, StreamPosition position, String event, String data,
            Instant time, Instant expiresAt) {
        this.id = id;
        this.channel = channel;
        this.position = position;
        this.event = event;
        this.data = data;
        this.time = time;
        this.expiresAt = expiresAt;
        byte[] encoded = encode();
        // in direct memory, freed with this object: sockets write it as it is, without a copy per write
        this.bytes = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(encoded.length)
                .put(encoded).flip()));
        this.json = bytes.slice(HEADROOM, encoded.length - HEADROOM);
    }

    public String id() {
        return id;
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

    /** May be null: the event name is optional. */
    public String event() {
        return event;
    }

    public String data() {
        return data;
    }

    public Instant time() {
        return time;
    }

    /** When its {@code ttl} ends, or null when it has none. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /**
     * Whether its {@code ttl} has passed: it is then out of retention, never delivered or replayed again
     * (its offset is skipped). The clock is read only for a notification that has a ttl.
     */
    public boolean isExpired(Clock clock) {
        return expiresAt != null && !clock.instant().isBefore(expiresAt);
    }

    /** {@link System#nanoTime()} when this replica created or received it: the start of publish-to-write latency. */
    public long createdNanos() {
        return createdNanos;
    }

    /**
     * The notification as one line of JSON ({@code {"type":"notification",...}}). Shared and read-only:
     * write a {@code duplicate()} so readers do not disturb each other's indexes.
     */
    public ByteBuf json() {
        return json;
    }

    /**
     * {@code prefix} (at most {@link #HEADROOM} bytes) followed by the JSON, as one shared read-only
     * buffer, written into the headroom. Every caller must pass the same prefix for this notification
     * (its framing is a function of the JSON), so callers that race write the same bytes.
     */
    public ByteBuf withPrefix(byte[] prefix) {
        int start = HEADROOM - prefix.length;
        ByteBuf framed = bytes.slice(start, prefix.length + json.readableBytes());
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

    private byte[] encode() {
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
}
