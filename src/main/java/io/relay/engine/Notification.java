package io.relay.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 */
public final class Notification {

    private static final JsonFactory JSON = new JsonFactory();

    private final String id;
    private final ChannelName channel;
    private final StreamPosition position;
    private final String event;
    private final String data;
    private final Instant time;
    private final ByteBuf json;
    private final long createdNanos = System.nanoTime();
    /**
     * A transport's own wire form of this notification, opaque to the engine: filled by the first
     * event loop that delivers it, then shared by every connection. Loops that race encode the same
     * bytes, and either copy serves.
     */
    private volatile Object transportCache;

    public Notification(String id, ChannelName channel, StreamPosition position, String event, String data,
            Instant time) {
        this.id = id;
        this.channel = channel;
        this.position = position;
        this.event = event;
        this.data = data;
        this.time = time;
        byte[] bytes = encode();
        // in direct memory, freed with this object: sockets write it as it is, without a copy per write
        this.json = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                ByteBuffer.allocateDirect(bytes.length).put(bytes).flip()));
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

    /** What a transport stored with {@link #transportCache(Object)}, or null before the first delivery. */
    public Object transportCache() {
        return transportCache;
    }

    public void transportCache(Object encoded) {
        this.transportCache = encoded;
    }

    private byte[] encode() {
        ByteArrayBuilder out = new ByteArrayBuilder(data.length() + 200);
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
