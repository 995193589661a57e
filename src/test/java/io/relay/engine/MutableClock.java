package io.relay.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, for TTL rules: standing still at a fixed start, or following the wall
 * clock ahead by what it was moved ({@link #aheadOfWallClock()}), for a running relay.
 */
public final class MutableClock extends Clock {

    /** The fixed time, or null when following the wall clock. */
    private final Instant start;
    private volatile Duration moved = Duration.ZERO;

    public MutableClock() {
        this(Instant.parse("2026-11-24T10:00:00Z"));
    }

    /** Starting at {@code start}, e.g. now, for rules that meet real timestamps (a token's exp). */
    public MutableClock(Instant start) {
        this.start = start;
    }

    private MutableClock(Void wall) {
        this.start = null;
    }

    /** The wall clock, moved ahead by each {@link #advance}. */
    public static MutableClock aheadOfWallClock() {
        return new MutableClock((Void) null);
    }

    public synchronized void advance(Duration duration) {
        moved = moved.plus(duration);
    }

    @Override
    public Instant instant() {
        return (start == null ? Instant.now() : start).plus(moved);
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
