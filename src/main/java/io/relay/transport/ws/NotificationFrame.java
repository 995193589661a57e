package io.relay.transport.ws;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.relay.engine.Notification;

/**
 * A notification as one final, unmasked WebSocket text frame (RFC 6455 section 5.2). A server frame
 * is the same for every connection, so it is built once per notification, in the notification's
 * headroom in front of its JSON (no copy), kept in its {@link Notification#transportCache() transport
 * cache}, and written as it is.
 */
public final class NotificationFrame {

    /** Final, so that the frame is safely published through the notification's plain cache field. */
    private final ByteBuf frame;

    private NotificationFrame(ByteBuf frame) {
        this.frame = frame;
    }

    /** The shared, read-only frame: write a {@code duplicate()} so writers do not disturb each other's indexes. */
    public static ByteBuf of(Notification notification) {
        if (notification.transportCache() instanceof NotificationFrame cached) {
            return cached.frame;
        }
        NotificationFrame built = new NotificationFrame(notification.withPrefix(header(notification.json().readableBytes())));
        notification.transportCache(built);
        return built.frame;
    }

    /** FIN and opcode, then a 7, 16 or 64-bit length; no mask from a server. */
    static byte[] header(int length) {
        ByteBuffer header;
        if (length < 126) {
            header = ByteBuffer.allocate(2).put((byte) 0x81).put((byte) length);
        } else if (length <= 0xFFFF) {
            header = ByteBuffer.allocate(4).put((byte) 0x81).put((byte) 126).putShort((short) length);
        } else {
            header = ByteBuffer.allocate(10).put((byte) 0x81).put((byte) 127).putLong(length);
        }
        return header.array();
    }
}
