package io.relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBufUtil;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/** A notification's bytes: the contract's JSON and its WebSocket frame, encoded once. */
class NotificationTest {

    private final Notification notification = new Notification("id-1", ChannelName.of("user:alice"),
            new StreamPosition("AbCdEfGh", 7), "order.shipped", "{\"orderId\":7}", Instant.parse("2026-12-03T10:00:00.123Z"));

    @Test
    void encodesTheContractsJsonOnceAsAWebSocketTextFrame() {
        String json = notification.json().toString(StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"notification\",\"id\":\"id-1\",\"channel\":\"user:alice\",\"epoch\":\"AbCdEfGh\",\"offset\":7,"
                + "\"event\":\"order.shipped\",\"data\":{\"orderId\":7},\"time\":\"2026-12-03T10:00:00.123Z\"}", json);
        byte[] frame = ByteBufUtil.getBytes(notification.textFrame());
        assertEquals((byte) 0x81, frame[0], "FIN and text");
        assertEquals(126, frame[1], "unmasked, a 16-bit length follows");
        assertEquals(json.length(), ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF));
        assertEquals(json, new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8));
    }
}
