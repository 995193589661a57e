package io.relay.auth;

import java.util.Map;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/**
 * A subscriber token that is missing or does not verify; answered with 401 and
 * {@code WWW-Authenticate: Bearer}. The message is safe to show: it never contains the token.
 */
public class TokenRejectedException extends RuntimeException implements ProblemCarrier {

    private final Reason reason;

    public TokenRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public Problem problem() {
        return Problem.UNAUTHORIZED;
    }

    /** The RFC 6750 challenge: an error only when a token was sent. */
    @Override
    public Map<String, String> headers() {
        if (reason == Reason.missing) {
            return Map.of("WWW-Authenticate", "Bearer realm=\"relay\"");
        }
        return Map.of("WWW-Authenticate", "Bearer realm=\"relay\", error=\"invalid_token\", error_description=\""
                + getMessage().replace('"', '\'') + "\"");
    }

    /** Why a token was refused; also the label of the auth failure metric. */
    public enum Reason {
        missing, invalid, expired
    }
}
