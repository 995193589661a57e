package io.relay.transport;

import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;

/** A query parameter out of its rule (given twice, not an integer, out of range); answered with 400. */
public class InvalidParameterException extends IllegalArgumentException implements ProblemCarrier {

    public InvalidParameterException(String message) {
        super(message);
    }

    @Override
    public Problem problem() {
        return Problem.INVALID_REQUEST;
    }
}
