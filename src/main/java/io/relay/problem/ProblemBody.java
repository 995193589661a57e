package io.relay.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The RFC 9457 body, as sent by the REST layer and by raw Vert.x handlers (the WebSocket handshake). */
public record ProblemBody(String type, String title, int status, String detail) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ProblemBody of(Problem problem, String detail) {
        return new ProblemBody(problem.type(), problem.title(), problem.status(), detail);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
