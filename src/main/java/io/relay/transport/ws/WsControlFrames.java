package io.relay.transport.ws;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Relay's own frames other than notifications, encoded as final unmasked frames for
 * {@link FrameWriter}: a connection's JSON control messages, and its keep-alive ping.
 */
final class WsControlFrames {

    /** A ping with the payload "relay"; write a {@code duplicate()}. */
    static final ByteBuf PING = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] { (byte) 0x89, 5 },
            "relay".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private WsControlFrames() {
    }

    /** {@code json} as one text frame. */
    static ByteBuf text(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        return Unpooled.wrappedBuffer(NotificationFrame.header(payload.length), payload);
    }
}
