package io.relay.problem;

import io.relay.auth.TokenRejectedException;

/** {@code WWW-Authenticate} values (RFC 6750) for refused subscriber tokens. */
public final class Challenges {

    private Challenges() {
    }

    public static String bearer(TokenRejectedException e) {
        if (e.reason() == TokenRejectedException.Reason.missing) {
            return "Bearer realm=\"relay\"";
        }
        return "Bearer realm=\"relay\", error=\"invalid_token\", error_description=\"" + e.getMessage().replace('"', '\'') + "\"";
    }
}
