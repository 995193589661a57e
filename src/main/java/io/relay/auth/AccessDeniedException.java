package io.relay.auth;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** An authenticated subscriber asked for something it may not have: 403 (or a forbidden error frame). */
public class AccessDeniedException extends RuntimeException implements ProblemCarrier {

    private final Reason reason;

    public AccessDeniedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public Problem problem() {
        return Problem.FORBIDDEN;
    }

    /** What was refused; also the label of the auth failure metric. */
    public enum Reason {
        origin, channel, refresh_sub
    }
}
