package io.relay;

import java.time.Clock;
import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.relay.engine.MutableClock;

/**
 * The wall clock moved ahead by hand, for tests of time rules on a running relay (a notification's
 * ttl): a test profile enables this producer in place of {@code ops.ClockProducer}, so every part
 * that reads the injected clock sees the same shifted time, and nothing waits for real time to pass.
 */
@Alternative
@Priority(1)
@Singleton
public class ShiftedClock {

    private static final MutableClock CLOCK = MutableClock.aheadOfWallClock();

    /** Moves the relay's clock ahead by {@code duration}. */
    public static void advance(Duration duration) {
        CLOCK.advance(duration);
    }

    @Produces
    @Singleton
    Clock clock() {
        return CLOCK;
    }
}
