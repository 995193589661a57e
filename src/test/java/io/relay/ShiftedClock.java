package io.relay;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The wall clock moved ahead by hand, for tests of time rules on a running relay (a notification's
 * ttl): a test profile enables this producer in place of {@code ops.ClockProducer}, so every part
 * that reads the injected clock sees the same shifted time, and nothing waits for real time to pass.
 */
@Alternative
@Priority(1)
@Singleton
public class ShiftedClock {

    private static final Shift SHIFT = new Shift();

    /** Moves the relay's clock ahead by {@code duration}. */
    public static void advance(Duration duration) {
        SHIFT.advance(duration);
    }

    @Produces
    @Singleton
    Clock clock() {
        return SHIFT;
    }

    private static final class Shift extends Clock {

        private volatile Duration ahead = Duration.ZERO;

        synchronized void advance(Duration duration) {
            ahead = ahead.plus(duration);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
