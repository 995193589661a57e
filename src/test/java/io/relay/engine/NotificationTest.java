package io.relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/** A notification's bytes: the contract's JSON, encoded once. */
class NotificationTest {

    private final Notification notification = new Notification("id-1", ChannelName.of("user:alice"),
            new StreamPosition("AbCdEfGh", 7), "order.shipped", "{\"orderId\":7}", Instant.parse("2026-12-03T10:00:00.123Z"));

    @Test
    void encodesTheContractsJsonOnce() {
        assertEquals("{\"type\":\"notification\",\"id\":\"id-1\",\"channel\":\"user:alice\",\"epoch\":\"AbCdEfGh\",\"offset\":7,"
                + "\"event\":\"order.shipped\",\"data\":{\"orderId\":7},\"time\":\"2026-12-03T10:00:00.123Z\"}",
                notification.json().toString(StandardCharsets.UTF_8));
    }
}
