package io.relay.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * The RFC 9457 body, as sent by the REST layer and by raw Vert.x handlers (the WebSocket handshake).
 * {@code channel} is an extension member, present only when one channel of the request was refused,
 * so that a client can drop that channel and keep the others.
 */
public record ProblemBody(String type, String title, int status, String detail,
        @JsonInclude(JsonInclude.Include.NON_NULL) String channel) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ProblemBody of(Problem problem, String detail) {
        return new ProblemBody(problem.type(), problem.title(), problem.status(), detail, null);
    }

    public static ProblemBody of(ProblemCarrier carrier) {
        Problem problem = carrier.problem();
        return new ProblemBody(problem.type(), problem.title(), problem.status(), carrier.detail(), carrier.channel());
    }

    /** Ends a raw Vert.x response with this problem; headers set beforehand are kept. */
    public void send(HttpServerResponse response) {
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(toJson());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
