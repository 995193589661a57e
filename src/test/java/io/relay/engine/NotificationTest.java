package io.relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.ByteBuf;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;

/** A notification's bytes: the contract's JSON, encoded once, and the fields it was made of read back from it. */
class NotificationTest {

    private final Notification notification = new Notification("id-1", ChannelName.of("user:alice"),
            new StreamPosition("AbCdEfGh", 7), "order.shipped", "{\"orderId\":7}", Instant.parse("2026-12-03T10:00:00.123Z"));

    @Test
    void encodesTheContractsJsonOnce() {
        assertEquals("{\"type\":\"notification\",\"id\":\"id-1\",\"channel\":\"user:alice\",\"epoch\":\"AbCdEfGh\",\"offset\":7,"
                + "\"event\":\"order.shipped\",\"data\":{\"orderId\":7},\"time\":\"2026-12-03T10:00:00.123Z\"}",
                notification.json().toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "data {0}")
    @ValueSource(strings = { "{\"orderId\":7,\"items\":[1,{\"a\":null}]}", "[]", "[\"x\",2]", "\"text with \\\" and \u00e9\"",
            "7", "-0.5e3", "true", "false", "null", "{}", "\"\"" })
    void readsBackTheDataAsPublished(String data) {
        Notification withData = new Notification("id-2", ChannelName.of("user:bob"), new StreamPosition("E", 1), "e", data,
                Instant.EPOCH);
        assertEquals(data, withData.data());
        assertEquals("id-2", withData.id());
        assertEquals("e", withData.event());
    }

    @Test
    void readsBackTheFieldsItWasMadeOf() {
        assertEquals("id-1", notification.id());
        assertEquals("order.shipped", notification.event());
        assertEquals("{\"orderId\":7}", notification.data());
        assertEquals(Instant.parse("2026-12-03T10:00:00.123Z"), notification.time());
        assertNull(new Notification("id-3", ChannelName.of("user:bob"), new StreamPosition("E", 1), null, "1",
                Instant.EPOCH).event(), "an event is optional");
    }

    @Test
    void givesEachWriterAViewWithIndexesOfItsOwn() {
        ByteBuf written = notification.json();
        written.skipBytes(written.readableBytes());
        assertEquals(notification.jsonLength(), notification.json().readableBytes());
        assertEquals(written.memoryAddress(), notification.json().memoryAddress(), "no copy of the bytes");
    }

    @Test
    void comparesItsTimeToTheNanosecond() {
        Instant time = Instant.parse("2026-12-03T10:00:00.123Z");
        assertTrue(notification.publishedBefore(time.plusNanos(1)));
        assertFalse(notification.publishedBefore(time));
        assertFalse(notification.publishedBefore(time.minusSeconds(1)));
        assertTrue(notification.publishedBefore(time.plusSeconds(1).minusMillis(500)));
    }
}
