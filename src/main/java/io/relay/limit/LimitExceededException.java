package io.relay.limit;

import java.util.Map;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** A request over one of the {@code relay.limits.*}: 429 with {@code Retry-After}, counted by limit. */
public class LimitExceededException extends RuntimeException implements ProblemCarrier {

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

    @Override
    public Problem problem() {
        return Problem.RATE_LIMITED;
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }
}
