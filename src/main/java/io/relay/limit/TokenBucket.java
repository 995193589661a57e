package io.relay.limit;

/**
 * A rate: up to {@code ratePerSecond} takes per second, with bursts of as many. Thread-safe; cheap
 * enough for every request (a lock and a little arithmetic, no allocation).
 */
public final class TokenBucket {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    public TokenBucket(double ratePerSecond) {
        this.perNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, ratePerSecond);
        this.tokens = capacity;
        this.refilledAt = System.nanoTime();
    }

    /** Takes one if there is one. */
    public boolean tryTake() {
        return tryTake(1);
    }

    /** Takes {@code n} if there are as many, else none. */
    public synchronized boolean tryTake(int n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Whole seconds until one is available again (at least 1), for {@code Retry-After}. */
    public long secondsUntilNext() {
        return secondsUntil(1);
    }

    /** Whole seconds until {@code n} are available again (at least 1), for {@code Retry-After}. */
    public synchronized long secondsUntil(int n) {
        refill();
        return Math.max(1, (long) Math.ceil((Math.min(n, capacity) - tokens) / perNano / 1e9));
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
    }
}
