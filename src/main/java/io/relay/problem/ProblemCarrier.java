package io.relay.problem;

import java.util.Map;

import io.vertx.core.http.HttpServerResponse;

/**
 * An exception that says how a client is answered for it: its {@link Problem}, the detail shown and
 * any headers ({@code WWW-Authenticate}, {@code Retry-After}). Each capability's exceptions carry
 * their own problem, so {@link ProblemMappers} and raw Vert.x handlers answer them without knowing them.
 */
public interface ProblemCarrier {

    Problem problem();

    /** Every exception has it: {@link Throwable#getMessage()}. */
    String getMessage();

    /** The problem's {@code detail}, safe to show: the message unless the exception says otherwise. */
    default String detail() {
        return getMessage();
    }

    /** The one channel that was refused, named in the problem's {@code channel} member; null for none. */
    default String channel() {
        return null;
    }

    /** Headers the response carries besides the problem. */
    default Map<String, String> headers() {
        return Map.of();
    }

    /** Ends a raw Vert.x response with this problem and its headers (the REST layer uses {@link ProblemMappers}). */
    default void send(HttpServerResponse response) {
        headers().forEach(response::putHeader);
        ProblemBody.of(this).send(response);
    }
}
