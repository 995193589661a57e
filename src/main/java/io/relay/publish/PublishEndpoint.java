package io.relay.publish;

import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.relay.auth.PublisherGuard;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.PublishQueueFullException;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.limit.LimitExceededException;
import io.relay.limit.Limits;
import io.relay.metrics.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.problem.ProblemBody;
import io.relay.problem.ProblemCarrier;
import io.relay.problem.ProblemException;
import io.relay.problem.ProblemMappers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/notifications}. A route on Quarkus's Vert.x router rather than a REST resource:
 * a publish is the request per-user traffic makes once per delivery, and a route handler does only
 * Relay's work (no handler chain, entity-writer lookup or output stream per request). Checks run
 * cheapest and least revealing first: the key (401), the size (413, and for a declared
 * Content-Length already in {@link PayloadLimit}'s filter), the media type (415), then the body
 * (400). Runs on the event loop from the first byte to the answer.
 */
@Singleton
public class PublishEndpoint {

    static final String PATH = "/api/v1/notifications";

    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final ObjectWriter RESPONSE = new ObjectMapper().writerFor(PublishResponse.class);

    private final PublishService service;
    private final PublisherGuard guard;
    private final Limits limits;
    private final RelayMetrics metrics;
    private final PayloadLimit payloadLimit;

    public PublishEndpoint(PublishService service, PublisherGuard guard, RelayMetrics metrics, Limits limits,
            PayloadLimit payloadLimit) {
        this.service = service;
        this.guard = guard;
        this.metrics = metrics;
        this.limits = limits;
        this.payloadLimit = payloadLimit;
    }

    /** Adds the routes: to the replica's router (Quarkus calls it) and to the warm-up's own. */
    public void register(@Observes Router router) {
        router.route(HttpMethod.POST, PATH).order(-10).handler(this::publish);
        for (HttpMethod other : List.of(HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)) {
            router.route(other, PATH).order(-10).handler(context -> {
                context.response().putHeader(HttpHeaders.ALLOW, "GET, POST, OPTIONS");
                ProblemBody.of(Problem.METHOD_NOT_ALLOWED, "use POST to publish, GET to poll").send(context.response());
            });
        }
    }

    private void publish(RoutingContext context) {
        HttpServerRequest request = context.request();
        try {
            limits.admitPublish(guard.require(request.getHeader(HttpHeaders.AUTHORIZATION)));
        } catch (ProblemException refused) {
            refuse(context, refused);
            return;
        } catch (LimitExceededException limited) {
            metrics.publish("rate_limited");
            send(context, limited);
            return;
        }
        new BodyReader(context).start();
    }

    private void onBody(RoutingContext context, Buffer body) {
        HttpServerRequest request = context.request();
        String idempotencyKey = request.getHeader("Idempotency-Key");
        PublishRequest publish;
        try {
            if (!isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
                throw Problem.UNSUPPORTED_MEDIA_TYPE.exception("send Content-Type: application/json");
            }
            checkIdempotencyKey(idempotencyKey);
            publish = PublishParser.parse(body.getBytes());
        } catch (ProblemException refused) {
            refuse(context, refused);
            return;
        }
        service.publish(publish, idempotencyKey).subscribe().with(result -> accepted(context, publish, result),
                failure -> failed(context, failure));
    }

    private void accepted(RoutingContext context, PublishRequest request, PublishResult result) {
        boolean replayed = !result.id().equals(request.id());
        metrics.publish(replayed ? "duplicate" : "accepted");
        HttpServerResponse response = context.response().setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (replayed) {
            response.putHeader("Idempotent-Replayed", "true");
        }
        try {
            response.end(Buffer.buffer(RESPONSE.writeValueAsBytes(PublishResponse.of(result))));
        } catch (JsonProcessingException e) {
            failed(context, e);
        }
    }

    private void failed(RoutingContext context, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            refuse(context, problem);
            return;
        }
        if (failure instanceof PublishQueueFullException) {
            metrics.publish("unavailable");
            metrics.limited("publish_queue");
        } else if (failure instanceof EngineUnavailableException) {
            metrics.publish("unavailable");
            metrics.engineError("publish");
        }
        send(context, ProblemMappers.answer(failure));
    }

    private void refuse(RoutingContext context, ProblemException refused) {
        metrics.publish(outcome(refused.problem()));
        send(context, refused);
    }

    private static void send(RoutingContext context, ProblemCarrier problem) {
        if (!context.response().ended()) {
            problem.send(context.response());
        }
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int parameters = contentType.indexOf(';');
        String type = (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    private static void checkIdempotencyKey(String key) {
        if (key == null) {
            return;
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw Problem.INVALID_REQUEST.exception("Idempotency-Key must be 1 to " + MAX_IDEMPOTENCY_KEY
                    + " visible ASCII characters");
        }
    }

    private static String outcome(Problem problem) {
        return switch (problem) {
            case UNAUTHORIZED -> "unauthorized";
            case PAYLOAD_TOO_LARGE -> "too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_type";
            default -> "invalid";
        };
    }

    /**
     * Collects the body up to {@code relay.max-payload-bytes}. A chunked body that goes over gets the
     * 413 at once and the connection is closed after it, so nothing more of it is buffered.
     */
    private final class BodyReader {
        private final RoutingContext context;
        private final Buffer body = Buffer.buffer();
        private boolean refused;

        BodyReader(RoutingContext context) {
            this.context = context;
        }

        void start() {
            HttpServerRequest request = context.request();
            request.handler(this::onChunk);
            request.endHandler(v -> {
                if (!refused) {
                    onBody(context, body);
                }
            });
            request.exceptionHandler(failure -> refused = true);
            request.resume();
        }

        private void onChunk(Buffer chunk) {
            if (refused) {
                return;
            }
            if (body.length() + chunk.length() > payloadLimit.maxBytes()) {
                refused = true;
                context.response().putHeader(HttpHeaders.CONNECTION, "close");
                refuse(context, payloadLimit.tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        }
    }

    /** The 202 body: the publish id and where it landed in each channel. */
    public record PublishResponse(String id, List<Placement> channels) {

        static PublishResponse of(PublishResult result) {
            return new PublishResponse(result.id(), result.channels().stream()
                    .map(p -> new Placement(p.channel().value(), p.position().epoch(), p.position().offset()))
                    .toList());
        }

        public record Placement(String channel, String epoch, long offset) {
        }
    }
}
