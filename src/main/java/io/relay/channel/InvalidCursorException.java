package io.relay.channel;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** A cursor that is not one Relay can read (malformed, oversized, altered); answered with 400. */
public class InvalidCursorException extends IllegalArgumentException implements ProblemCarrier {

    public InvalidCursorException(String message) {
        super("invalid cursor: " + message);
    }

    @Override
    public Problem problem() {
        return Problem.INVALID_REQUEST;
    }
}
