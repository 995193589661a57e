package io.relay.transport.ws;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.relay.engine.Notification;

/**
 * A notification as one final, unmasked WebSocket text frame (RFC 6455 section 5.2). A server frame
 * is the same for every connection, so it is encoded once per notification, kept in the
 * notification's {@link Notification#transportCache() transport cache}, and written as it is.
 */
public final class NotificationFrame {

    private NotificationFrame() {
    }

    /** The shared, read-only frame: write a {@code duplicate()} so writers do not disturb each other's indexes. */
    public static ByteBuf of(Notification notification) {
        if (notification.transportCache() instanceof ByteBuf frame) {
            return frame;
        }
        ByteBuf frame = encode(notification.json());
        notification.transportCache(frame);
        return frame;
    }

    /** The frame in direct memory, freed with the notification: sockets write it without a copy per write. */
    private static ByteBuf encode(ByteBuf payload) {
        int length = payload.readableBytes();
        ByteBuffer frame = ByteBuffer.allocateDirect(headerLength(length) + length);
        frame.put((byte) 0x81); // FIN, text
        if (length < 126) {
            frame.put((byte) length);
        } else if (length <= 0xFFFF) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        payload.getBytes(payload.readerIndex(), frame);
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(frame.flip()));
    }

    /** FIN and opcode, then a 7, 16 or 64-bit length. */
    private static int headerLength(int length) {
        return length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    }
}
