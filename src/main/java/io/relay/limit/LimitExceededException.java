package io.relay.limit;

/** A request over one of the {@code relay.limits.*}: 429 with {@code Retry-After}, counted by limit. */
public class LimitExceededException extends RuntimeException {

    private final Limit limit;
    private final long retryAfterSeconds;

    public LimitExceededException(Limit limit, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Limit limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
