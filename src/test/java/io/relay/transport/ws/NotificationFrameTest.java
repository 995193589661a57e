package io.relay.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Notification;

/** A notification's WebSocket frame: its JSON as one unmasked text frame, encoded once and shared. */
class NotificationFrameTest {

    private static Notification withData(int padding) {
        return new Notification("id-1", ChannelName.of("user:alice"), new StreamPosition("AbCdEfGh", 7), "order.shipped",
                "\"" + "x".repeat(padding) + "\"", Instant.parse("2026-12-03T10:00:00.123Z"));
    }

    @ParameterizedTest(name = "data of {0} characters")
    @ValueSource(ints = { 0, 200, 70_000 })
    void framesTheJsonWithTheShortestLength(int padding) {
        Notification notification = withData(padding);
        String json = notification.json().toString(StandardCharsets.UTF_8);
        byte[] frame = ByteBufUtil.getBytes(NotificationFrame.of(notification));
        assertEquals((byte) 0x81, frame[0], "FIN and text");
        int headerLength;
        long length;
        if (json.length() < 126) {
            headerLength = 2;
            length = frame[1];
        } else if (json.length() <= 0xFFFF) {
            headerLength = 4;
            assertEquals(126, frame[1], "unmasked, a 16-bit length follows");
            length = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
        } else {
            headerLength = 10;
            assertEquals(127, frame[1], "unmasked, a 64-bit length follows");
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (frame[i] & 0xFF);
            }
        }
        assertEquals(json.length(), length);
        assertEquals(json, new String(frame, headerLength, frame.length - headerLength, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "data of {0} characters")
    @ValueSource(ints = { 0, 200 })
    void encodesOncePerNotification(int padding) {
        Notification notification = withData(padding);
        assertSame(NotificationFrame.of(notification), NotificationFrame.of(notification));
    }

    @ParameterizedTest(name = "data of {0} characters")
    @ValueSource(ints = { 0, 200, 70_000 })
    void framesInPlaceWithoutCopyingTheJson(int padding) {
        Notification notification = withData(padding);
        String json = notification.json().toString(StandardCharsets.UTF_8);
        ByteBuf frame = NotificationFrame.of(notification);
        int headerLength = frame.readableBytes() - notification.json().readableBytes();
        assertEquals(frame.memoryAddress() + headerLength, notification.json().memoryAddress(), "the frame's payload is the JSON");
        assertEquals(json, notification.json().toString(StandardCharsets.UTF_8), "the JSON is untouched");
    }
}
