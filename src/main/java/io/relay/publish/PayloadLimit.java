package io.relay.publish;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.relay.RelayConfig;
import io.relay.problem.Problem;
import io.relay.problem.ProblemBody;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

/**
 * Answers a publish whose declared Content-Length is over {@code relay.max-payload-bytes} with a
 * 413 problem before its body is read, so even bodies far over the HTTP server's own limit get a
 * problem+json answer. Chunked bodies are measured by the resource once read.
 */
@Singleton
public class PayloadLimit {

    private final long maxPayloadBytes;

    public PayloadLimit(RelayConfig config) {
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            var request = context.request();
            if (request.method() == HttpMethod.POST && PublishResource.PATH.equals(request.path())
                    && declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH)) > maxPayloadBytes) {
                context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(ProblemBody.of(Problem.PAYLOAD_TOO_LARGE,
                                "the body is over " + maxPayloadBytes + " bytes (relay.max-payload-bytes)").toJson());
                return;
            }
            context.next();
        }, 1000);
    }

    private static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
