package io.relay.problem;

import java.util.Map;

/** Ends a request with a problem response; {@code headers} are added to it (e.g. WWW-Authenticate). */
public class ProblemException extends RuntimeException implements ProblemCarrier {

    private final Problem problem;
    private final Map<String, String> headers;

    public ProblemException(Problem problem, String detail) {
        this(problem, detail, Map.of());
    }

    public ProblemException(Problem problem, String detail, Map<String, String> headers) {
        super(detail, null, false, false);
        this.problem = problem;
        this.headers = headers;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }
}
