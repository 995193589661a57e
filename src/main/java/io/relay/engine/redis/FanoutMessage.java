package io.relay.engine.redis;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Notification;

/**
 * Reads the Pub/Sub message {@code publish.lua} sends for a notification. It is plain text, not JSON,
 * because a replica reads every message of its channels: no escaping in the script, and here no
 * parse tree and no date parsing. Six lines, then the event and the data back to back:
 * <pre>
 * epoch \n offset \n id \n epoch seconds \n nanoseconds [expiry] \n event length in bytes \n event data
 * </pre>
 * The expiry (epoch milliseconds, after a space) is there only for a notification with a {@code ttl}:
 * a replica of an earlier version drops such a message as unreadable and catches up from history, so
 * that it never misreads one.
 * The channel is not in it: it is the Pub/Sub channel's name after {@link RedisKeys#FANOUT_PREFIX}.
 */
final class FanoutMessage {

    private static final int HEADER_LINES = 6;

    private FanoutMessage() {
    }

    /** @throws IllegalArgumentException when the message does not have that shape */
    static Notification read(ChannelName channel, byte[] message) {
        int[] starts = new int[HEADER_LINES + 1];
        for (int line = 0; line < HEADER_LINES; line++) {
            int end = lineEnd(message, starts[line]);
            starts[line + 1] = end + 1;
        }
        int eventStart = starts[HEADER_LINES];
        long eventLength = number(message, starts[5], starts[6] - 1);
        if (eventLength > message.length - eventStart - 1) {
            throw new IllegalArgumentException("an event of " + eventLength + " bytes and no data after it");
        }
        int dataStart = eventStart + (int) eventLength;
        int nanosEnd = starts[5] - 1;
        Instant expiresAt = null;
        for (int i = starts[4]; i < starts[5] - 1; i++) {
            if (message[i] == ' ') {
                expiresAt = Instant.ofEpochMilli(number(message, i + 1, starts[5] - 1));
                nanosEnd = i;
                break;
            }
        }
        return new Notification(
                text(message, starts[2], starts[3] - 1),
                channel,
                new StreamPosition(text(message, 0, starts[1] - 1), number(message, starts[1], starts[2] - 1)),
                eventLength == 0 ? null : new String(message, eventStart, (int) eventLength, StandardCharsets.UTF_8),
                new String(message, dataStart, message.length - dataStart, StandardCharsets.UTF_8),
                Instant.ofEpochSecond(number(message, starts[3], starts[4] - 1), number(message, starts[4], nanosEnd)),
                expiresAt);
    }

    private static int lineEnd(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("fewer than " + HEADER_LINES + " header lines");
    }

    /** Epochs and ids are ASCII: one byte, one char. */
    private static String text(byte[] message, int from, int to) {
        return new String(message, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static long number(byte[] message, int from, int to) {
        if (from == to || to - from > 18) {
            throw new IllegalArgumentException("not a number of 1 to 18 digits");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = message[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException("not a number of 1 to 18 digits");
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
