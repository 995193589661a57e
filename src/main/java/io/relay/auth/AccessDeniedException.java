package io.relay.auth;

/** An authenticated subscriber asked for something it may not have: 403 (or a forbidden error frame). */
public class AccessDeniedException extends RuntimeException {

    private final Reason reason;

    public AccessDeniedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** What was refused; also the label of the auth failure metric. */
    public enum Reason {
        origin, channel, refresh_sub
    }
}
