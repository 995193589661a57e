package io.relay.client;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A publish Relay refused or could not take, typed by its problem: {@link Invalid} (400, 413, 415:
 * fix the request), {@link Unauthorized} (401: the key), {@link RateLimited} (429) and
 * {@link Unavailable} (503 or no answer: retried with the same Idempotency-Key before it reaches you),
 * {@link Unexpected} otherwise. Carries the problem's {@code type} and {@code detail}.
 */
public abstract sealed class PublishException extends Exception {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String type;
    private final Duration retryAfter;

    PublishException(int status, String type, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** The problem type URI, or null when Relay did not answer with one. */
    public String type() {
        return type;
    }

    /** How long Relay asked to wait, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the same publish may succeed later (it is retried with the same key). */
    public boolean isRetryable() {
        return this instanceof RateLimited || this instanceof Unavailable;
    }

    static PublishException of(int status, String body, String retryAfterHeader) {
        String type = null;
        String detail = body;
        try {
            JsonNode problem = JSON.readTree(body);
            type = problem.path("type").asText(null);
            detail = problem.path("detail").asText(body);
        } catch (Exception notJson) {
            // keep the raw body as the detail
        }
        Duration retryAfter = null;
        if (retryAfterHeader != null && retryAfterHeader.chars().allMatch(Character::isDigit) && !retryAfterHeader.isEmpty()) {
            retryAfter = Duration.ofSeconds(Long.parseLong(retryAfterHeader));
        }
        return switch (status) {
            case 400, 413, 415 -> new Invalid(status, type, detail);
            case 401 -> new Unauthorized(type, detail);
            case 429 -> new RateLimited(type, detail, retryAfter);
            case 503 -> new Unavailable(detail, retryAfter, type);
            default -> new Unexpected(status, detail);
        };
    }

    public static final class Invalid extends PublishException {
        Invalid(int status, String type, String detail) {
            super(status, type, detail, null);
        }
    }

    public static final class Unauthorized extends PublishException {
        Unauthorized(String type, String detail) {
            super(401, type, detail, null);
        }
    }

    public static final class RateLimited extends PublishException {
        RateLimited(String type, String detail, Duration retryAfter) {
            super(429, type, detail, retryAfter);
        }
    }

    public static final class Unavailable extends PublishException {
        Unavailable(String detail, Duration retryAfter) {
            this(detail, retryAfter, null);
        }

        Unavailable(String detail, Duration retryAfter, String type) {
            super(503, type, detail, retryAfter);
        }
    }

    public static final class Unexpected extends PublishException {
        Unexpected(int status, String detail) {
            super(status, null, detail, null);
        }
    }
}
