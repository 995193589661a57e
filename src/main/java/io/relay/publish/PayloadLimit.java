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
 * {@code relay.max-payload-bytes} for publishes, and the bound of a batch's whole body derived from it. A publish whose declared Content-Length is over it
 * gets the 413 problem before its body is read, so even bodies far over the HTTP server's own limit
 * get a problem+json answer; {@link PublishEndpoint} stops a chunked body at the same limit.
 */
@Singleton
public class PayloadLimit {

    /**
     * A batch body is held whole and parsed in one event-loop turn, so 100 full-size items (6.4 MB at
     * the default) are capped: 4 MiB parses in milliseconds and still holds 100 items of 40 KB.
     */
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    private final int maxPayloadBytes;
    private final int maxBatchBytes;

    public PayloadLimit(RelayConfig config) {
        this.maxPayloadBytes = config.maxPayloadBytes();
        this.maxBatchBytes = (int) Math.max(maxPayloadBytes,
                Math.min((long) BatchParser.MAX_ITEMS * maxPayloadBytes, MAX_BATCH_BYTES));
    }

    void register(@Observes Filters filters) {
        filters.register(context -> {
            var request = context.request();
            if (request.method() == HttpMethod.POST) {
                long declared = declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
                ProblemException refused = PublishEndpoint.PATH.equals(request.path()) && declared > maxPayloadBytes ? tooLarge()
                        : BatchPublishEndpoint.PATH.equals(request.path()) && declared > maxBatchBytes ? batchTooLarge()
                        : null;
                if (refused != null) {
                    context.response().putHeader(HttpHeaders.CONNECTION, "close");
                    refused.send(context.response());
                    return;
                }
            }
            context.next();
        }, 1000);
    }

    int maxBytes() {
        return maxPayloadBytes;
    }

    int maxBatchBytes() {
        return maxBatchBytes;
    }

    /** The 413 problem for a batch body over its bound. */
    ProblemException batchTooLarge() {
        return Problem.PAYLOAD_TOO_LARGE.exception("the batch body is over " + maxBatchBytes + " bytes "
                + "(100 x relay.max-payload-bytes, at most " + MAX_BATCH_BYTES + "): send fewer or smaller notifications");
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
