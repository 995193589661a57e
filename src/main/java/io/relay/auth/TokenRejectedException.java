package io.relay.auth;

/**
 * A subscriber token that is missing or does not verify; answered with 401 and
 * {@code WWW-Authenticate: Bearer}. The message is safe to show: it never contains the token.
 */
public class TokenRejectedException extends RuntimeException {

    private final Reason reason;

    public TokenRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Why a token was refused; also the label of the auth failure metric. */
    public enum Reason {
        missing, invalid, expired
    }
}
