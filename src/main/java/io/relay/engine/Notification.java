package io.relay.engine;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/**
 * One notification in one channel, as every transport delivers it. {@code data} is kept as the raw
 * JSON text the publisher sent (already validated), so it is never parsed again. The JSON object
 * every transport sends is encoded once, when the notification is created, and the same bytes are
 * written to every subscriber (a WebSocket frame, an SSE {@code data:} line, an element of a poll
 * answer) and replayed from history.
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

    public Notification(String id, ChannelName channel, StreamPosition position, String event, String data,
            Instant time) {
        this.id = id;
        this.channel = channel;
        this.position = position;
        this.event = event;
        this.data = data;
        this.time = time;
        this.json = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(encode().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
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

    private String encode() {
        StringWriter out = new StringWriter(data.length() + 160);
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
        return out.toString();
    }
}
