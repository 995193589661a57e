package io.relay.problem;

import java.util.Map;

import io.vertx.core.http.HttpServerResponse;

/** Ends a request with a problem response; {@code headers} are added to it (e.g. WWW-Authenticate). */
public class ProblemException extends RuntimeException {

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

    public Problem problem() {
        return problem;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Ends a raw Vert.x response with this problem and its headers (the REST layer uses {@link ProblemMappers}). */
    public void send(HttpServerResponse response) {
        headers.forEach(response::putHeader);
        ProblemBody.of(problem, getMessage()).send(response);
    }
}
