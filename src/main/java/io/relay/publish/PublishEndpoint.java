package io.relay.publish;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.relay.RelayConfig;
import io.relay.auth.PublisherGuard;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.limit.LimitExceededException;
import io.relay.limit.Limits;
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
 * (400). Runs on the event loop from the first byte to the answer. {@link BatchPublishEndpoint} shares
 * its parts: the body reader, the parser, the outcomes and the 202 body.
 */
@Singleton
public class PublishEndpoint {

    static final String PATH = "/api/v1/notifications";

    private static final ObjectWriter RESPONSE = new ObjectMapper().writerFor(PublishResponse.class);

    private final PublishService service;
    private final PublisherGuard guard;
    private final Limits limits;
    private final PublishOutcomes outcomes;
    private final PayloadLimit payloadLimit;
    /** The largest ttl a publish may give: {@code relay.inbox.retention}. */
    private final Duration maxTtl;

    public PublishEndpoint(PublishService service, PublisherGuard guard, PublishOutcomes outcomes, Limits limits,
            PayloadLimit payloadLimit, RelayConfig config) {
        this.service = service;
        this.guard = guard;
        this.outcomes = outcomes;
        this.limits = limits;
        this.payloadLimit = payloadLimit;
        this.maxTtl = config.inbox().retention();
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
            send(context, outcomes.refused(refused));
            return;
        } catch (LimitExceededException limited) {
            outcomes.rateLimited(1);
            send(context, limited);
            return;
        }
        JsonBody.read(context, payloadLimit.maxBytes(), body -> onBody(context, body),
                () -> send(context, outcomes.refused(payloadLimit.tooLarge())));
    }

    private void onBody(RoutingContext context, Buffer body) {
        HttpServerRequest request = context.request();
        String idempotencyKey = request.getHeader("Idempotency-Key");
        PublishParser.ParsedPublish publish;
        try {
            if (!JsonBody.isJson(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
                throw PublishOutcomes.unsupportedMediaType();
            }
            IdempotencyKey.check(idempotencyKey);
            publish = PublishParser.parse(body.getBytes(), maxTtl);
        } catch (ProblemException refused) {
            send(context, outcomes.refused(refused));
            return;
        }
        service.publish(publish.request(), idempotencyKey, publish.inbox()).subscribe()
                .with(result -> accepted(context, publish.request(), result), failure -> send(context, outcomes.failed(failure)));
    }

    private void accepted(RoutingContext context, PublishRequest request, PublishResult result) {
        boolean replayed = PublishService.replayed(request, result);
        outcomes.accepted(replayed);
        HttpServerResponse response = context.response().setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (replayed) {
            response.putHeader("Idempotent-Replayed", "true");
        }
        try {
            response.end(Buffer.buffer(RESPONSE.writeValueAsBytes(PublishResponse.of(result))));
        } catch (JsonProcessingException e) {
            send(context, ProblemMappers.answer(e));
        }
    }

    static void send(RoutingContext context, ProblemCarrier problem) {
        if (!context.response().ended()) {
            problem.send(context.response());
        }
    }

    /** The 202 body: the publish id, where it landed in each channel, and with {@code inbox}, how many inboxes kept it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PublishResponse(String id, List<Placement> channels, InboxStored inbox) {

        static PublishResponse of(PublishResult result) {
            return new PublishResponse(result.id(), result.channels().stream()
                    .map(p -> new Placement(p.channel().value(), p.position().epoch(), p.position().offset()))
                    .toList(), result.inboxStored() == null ? null : new InboxStored(result.inboxStored()));
        }

        public record InboxStored(int stored) {
        }

        public record Placement(String channel, String epoch, long offset) {
        }
    }
}
