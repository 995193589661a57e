package io.relay.publish;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.relay.RelayConfig;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;

/**
 * {@code relay.max-payload-bytes} for publishes. A publish whose declared Content-Length is over it
 * gets the 413 problem before its body is read, so even bodies far over the HTTP server's own limit
 * get a problem+json answer; {@link PublishEndpoint} stops a chunked body at the same limit.
 */
@Singleton
public class PayloadLimit {

    private final int maxPayloadBytes;

    public PayloadLimit(RelayConfig config) {
        this.maxPayloadBytes = config.maxPayloadBytes();
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            var request = context.request();
            if (request.method() == HttpMethod.POST && PublishEndpoint.PATH.equals(request.path())
                    && declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH)) > maxPayloadBytes) {
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
                tooLarge().send(context.response());
                return;
            }
            context.next();
        }, 1000);
    }

    int maxBytes() {
        return maxPayloadBytes;
    }

    /** The 413 problem for a body over the limit. */
    ProblemException tooLarge() {
        return Problem.PAYLOAD_TOO_LARGE.exception("the body is over " + maxPayloadBytes + " bytes (relay.max-payload-bytes)");
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
