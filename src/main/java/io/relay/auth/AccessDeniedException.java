package io.relay.auth;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** An authenticated subscriber asked for something it may not have: 403 (or a forbidden error frame). */
public class AccessDeniedException extends RuntimeException implements ProblemCarrier {

    private final Reason reason;
    private final String channel;

    public AccessDeniedException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** A refused channel, named in the 403's problem so that a client can drop it alone. */
    public static AccessDeniedException channel(String channel) {
        return new AccessDeniedException(Reason.channel, "channel " + channel + " is not readable with this token", channel);
    }

    private AccessDeniedException(Reason reason, String message, String channel) {
        super(message, null, false, false);
        this.reason = reason;
        this.channel = channel;
    }

    @Override
    public String channel() {
        return channel;
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
