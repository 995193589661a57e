package io.relay.auth;

/** Reads {@code Bearer <token>} out of an Authorization header value. */
final class BearerToken {

    private static final String SCHEME = "bearer ";

    private BearerToken() {
    }

    /** The token, or null when the header is absent or not a non-empty Bearer credential. */
    static String from(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }
}
