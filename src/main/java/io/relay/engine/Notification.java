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
 * written to every subscriber (a WebSocket frame, an SSE {@code data:} line, an element of a poll
 * answer) and replayed from history.
 *
 * <p>The bytes are laid out with room in front for a WebSocket frame header, so the complete server
 * frame (unmasked, hence the same for every connection) is built once too, in the same array: the
 * WebSocket transport writes it to each socket as it is, with no per-connection encoding.
 */
public final class Notification {

    private static final JsonFactory JSON = new JsonFactory();
    /** A server frame header is at most 10 bytes: FIN and opcode, then a 7, 16 or 64-bit length. */
    private static final int MAX_FRAME_HEADER = 10;

    private final String id;
    private final ChannelName channel;
    private final StreamPosition position;
    private final String event;
    private final String data;
    private final Instant time;
    private final ByteBuf json;
    private final ByteBuf textFrame;
    private final long createdNanos = System.nanoTime();

    public Notification(String id, ChannelName channel, StreamPosition position, String event, String data,
            Instant time) {
        this.id = id;
        this.channel = channel;
        this.position = position;
        this.event = event;
        this.data = data;
        this.time = time;
        byte[] bytes = encode();
        int length = bytes.length - MAX_FRAME_HEADER;
        int headerStart = writeFrameHeader(bytes, length);
        // the frame in direct memory, freed with this object: sockets write it as it is, without a
        // copy per write; the JSON is the frame's payload
        int frameLength = bytes.length - headerStart;
        this.textFrame = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                ByteBuffer.allocateDirect(frameLength).put(bytes, headerStart, frameLength).flip()));
        this.json = textFrame.slice(MAX_FRAME_HEADER - headerStart, length);
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

    /**
     * {@link #json()} as one final, unmasked WebSocket text frame (RFC 6455 section 5.2). Shared and
     * read-only like {@code json()}: write a {@code duplicate()}.
     */
    public ByteBuf textFrame() {
        return textFrame;
    }

    /** Writes the header just before the payload, which starts at {@link #MAX_FRAME_HEADER}; returns where it starts. */
    private static int writeFrameHeader(byte[] bytes, int length) {
        int start;
        if (length < 126) {
            start = MAX_FRAME_HEADER - 2;
            bytes[start + 1] = (byte) length;
        } else if (length <= 0xFFFF) {
            start = MAX_FRAME_HEADER - 4;
            bytes[start + 1] = 126;
            bytes[start + 2] = (byte) (length >>> 8);
            bytes[start + 3] = (byte) length;
        } else {
            start = 0;
            bytes[1] = 127;
            for (int i = 0; i < 8; i++) {
                bytes[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        bytes[start] = (byte) 0x81; // FIN, text
        return start;
    }

    /** The JSON object, after {@link #MAX_FRAME_HEADER} bytes left for the frame header. */
    private byte[] encode() {
        ByteArrayBuilder out = new ByteArrayBuilder(data.length() + 200);
        out.write(new byte[MAX_FRAME_HEADER], 0, MAX_FRAME_HEADER);
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
