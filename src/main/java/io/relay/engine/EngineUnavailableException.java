package io.relay.engine;

import java.util.Map;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** The engine could not take the request; nothing was published. Answered with 503 and {@code Retry-After}. */
public class EngineUnavailableException extends RuntimeException implements ProblemCarrier {

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Problem problem() {
        return Problem.ENGINE_UNAVAILABLE;
    }

    @Override
    public String detail() {
        return "the engine is unavailable, nothing was changed: " + getMessage();
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", "1");
    }
}
