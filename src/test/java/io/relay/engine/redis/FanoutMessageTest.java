package io.relay.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Notification;

class FanoutMessageTest {

    private static final ChannelName CHANNEL = ChannelName.of("user:42");

    private static Notification read(String message) {
        return FanoutMessage.read(CHANNEL, message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryFieldWithAnEventOfAnyText() {
        String event = "new\nline \u00e9";
        int eventBytes = event.getBytes(StandardCharsets.UTF_8).length;
        Notification notification = read("Ab-9_x\n17\nid-1\n1764043200\n123456789\n" + eventBytes + "\n" + event
                + "{\"a\":\"\u4e2d\\n\"}");
        assertEquals(new StreamPosition("Ab-9_x", 17), notification.position());
        assertEquals("id-1", notification.id());
        assertEquals(CHANNEL, notification.channel());
        assertEquals(event, notification.event());
        assertEquals("{\"a\":\"\u4e2d\\n\"}", notification.data());
        assertEquals(Instant.ofEpochSecond(1764043200, 123456789), notification.time());
        assertNull(notification.expiresAt());
    }

    @Test
    void readsTheExpiryAfterTheNanoseconds() {
        Notification notification = read("e\n1\nid\n1764043200\n5 1764043260000\n0\n{}");
        assertEquals(Instant.ofEpochSecond(1764043200, 5), notification.time());
        assertEquals(Instant.ofEpochMilli(1764043260000L), notification.expiresAt());
        assertEquals("{}", notification.data());
    }

    @Test
    void anEmptyEventIsNoEvent() {
        assertNull(read("e\n1\nid\n0\n0\n0\n[1]").event());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "e\n1\nid\n0\n0\n0",                      // no data
            "e\n1\nid\n0\n0\n3\nabc",                 // the event takes everything
            "e\n1\nid\n0\n0\n99\n{}",                 // the event is longer than the message
            "e\nx1\nid\n0\n0\n0\n{}",                 // offset not a number
            "e\n\nid\n0\n0\n0\n{}",                   // empty offset
            "e\n1\nid\n0\n-5\n0\n{}",                 // negative nanoseconds
            "e\n1\nid\n0\n0\n1234567890123456789\n{}", // a length beyond any message
            "e\n1\nid\n0\n0 \n0\n{}",                // a space and no expiry
            "e\n1\nid\n0\n0 x5\n0\n{}",              // an expiry that is not a number
            "{\"c\":\"user:42\",\"e\":\"e\",\"o\":1}",  // not this format at all
    })
    void rejectsAnythingElse(String message) {
        assertThrows(IllegalArgumentException.class, () -> read(message));
    }
}
