package io.relay.problem;

/**
 * The catalogue of error responses (RFC 9457 problem types). Every HTTP error Relay sends is one of
 * these, as {@code application/problem+json} with {@code type}, {@code title}, {@code status} and
 * {@code detail}.
 */
public enum Problem {
    INVALID_REQUEST(400, "invalid-request", "Invalid request"),
    UNAUTHORIZED(401, "unauthorized", "Missing or invalid credentials"),
    FORBIDDEN(403, "forbidden", "Not allowed"),
    NOT_FOUND(404, "not-found", "Not found"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    UPGRADE_REQUIRED(426, "upgrade-required", "Upgrade required"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, "rate-limited", "Too many requests"),
    INTERNAL(500, "internal", "Internal error"),
    ENGINE_UNAVAILABLE(503, "engine-unavailable", "Engine unavailable"),
    SHUTTING_DOWN(503, "shutting-down", "Shutting down");

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://relay.dev/problems/";

    private final int status;
    private final String slug;
    private final String title;

    Problem(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return TYPE_BASE + slug;
    }

    public String title() {
        return title;
    }

    public ProblemException exception(String detail) {
        return new ProblemException(this, detail);
    }

    public static Problem forStatus(int status) {
        for (Problem problem : values()) {
            if (problem.status == status) {
                return problem;
            }
        }
        return status >= 500 ? INTERNAL : INVALID_REQUEST;
    }
}
