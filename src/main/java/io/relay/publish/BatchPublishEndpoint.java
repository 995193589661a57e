package io.relay.publish;

import java.time.Duration;
import java.util.ArrayList;
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
import io.relay.problem.ProblemBody;
import io.relay.problem.ProblemCarrier;
import io.relay.problem.ProblemException;
import io.relay.problem.ProblemMappers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/notifications/batch}: up to 100 publishes in one request, each answered on its
 * own. The request as a whole is checked like a single publish (401, 413, 415, 400 for the
 * envelope), then takes one publish-rate token per item, all or none (429). Items are published one
 * after the other, each once its predecessor is answered, so offsets on a shared channel follow the
 * items' order.
 */
@Singleton
public class BatchPublishEndpoint {

    static final String PATH = PublishEndpoint.PATH + "/batch";

    private static final ObjectWriter RESPONSE = new ObjectMapper().writerFor(BatchResponse.class);

    private final PublishService service;
    private final PublisherGuard guard;
    private final Limits limits;
    private final PublishOutcomes outcomes;
    private final PayloadLimit payloadLimit;
    /** The largest ttl a publish may give: {@code relay.inbox.retention}. */
    private final Duration maxTtl;

    public BatchPublishEndpoint(PublishService service, PublisherGuard guard, PublishOutcomes outcomes, Limits limits,
            PayloadLimit payloadLimit, RelayConfig config) {
        this.service = service;
        this.guard = guard;
        this.outcomes = outcomes;
        this.limits = limits;
        this.payloadLimit = payloadLimit;
        this.maxTtl = config.inbox().retention();
    }

    /** Adds the route to the replica's router (Quarkus calls it); the warm-up publishes singly. */
    public void register(@Observes Router router) {
        router.route(HttpMethod.POST, PATH).order(-10).handler(this::publish);
    }

    private void publish(RoutingContext context) {
        int key;
        try {
            key = guard.require(context.request().getHeader(HttpHeaders.AUTHORIZATION));
        } catch (ProblemException refused) {
            PublishEndpoint.send(context, outcomes.refused(refused));
            return;
        }
        JsonBody.read(context, payloadLimit.maxBatchBytes(), body -> onBody(context, key, body),
                () -> PublishEndpoint.send(context, outcomes.refused(payloadLimit.batchTooLarge())));
    }

    private void onBody(RoutingContext context, int key, Buffer body) {
        List<BatchParser.Item> items;
        try {
            if (!JsonBody.isJson(context.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
                throw PublishOutcomes.unsupportedMediaType();
            }
            items = BatchParser.parse(body.getBytes(), payloadLimit.maxBytes(), payloadLimit.tooLarge(), maxTtl);
        } catch (ProblemException refused) {
            PublishEndpoint.send(context, outcomes.refused(refused));
            return;
        }
        try {
            limits.admitPublishes(key, items.size());
        } catch (LimitExceededException limited) {
            outcomes.rateLimited(items.size());
            PublishEndpoint.send(context, limited);
            return;
        }
        Uni<List<ItemResult>> results = Uni.createFrom().item(new ArrayList<>(items.size()));
        for (BatchParser.Item item : items) {
            results = results.onItem().transformToUni(done -> publish(item).map(result -> {
                done.add(result);
                return done;
            }));
        }
        results.subscribe().with(done -> answer(context, done), failure -> PublishEndpoint.send(context, ProblemMappers.answer(failure)));
    }

    /** One item, published or refused; never a failure, so that the next item follows. */
    private Uni<ItemResult> publish(BatchParser.Item item) {
        if (item.refused() != null) {
            return Uni.createFrom().item(ItemResult.of(outcomes.refused(item.refused())));
        }
        PublishRequest request = item.publish().request();
        return service.publish(request, item.publish().idempotencyKey(), item.publish().inbox())
                .map(result -> {
                    boolean replayed = PublishService.replayed(request, result);
                    outcomes.accepted(replayed);
                    return ItemResult.accepted(result, replayed);
                })
                .onFailure().recoverWithItem(failure -> ItemResult.of(outcomes.failed(failure)));
    }

    private static void answer(RoutingContext context, List<ItemResult> results) {
        try {
            context.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(Buffer.buffer(RESPONSE.writeValueAsBytes(new BatchResponse(results))));
        } catch (JsonProcessingException e) {
            PublishEndpoint.send(context, ProblemMappers.answer(e));
        }
    }

    /** The 200 body: one result per item, in the items' order. */
    public record BatchResponse(List<ItemResult> results) {
    }

    /**
     * An item's result: {@code status} 202 with the single publish's 202 body ({@code replayed} when
     * an earlier item or publish with its idempotency key answered it), or its error status and problem.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemResult(int status, String id, List<PublishEndpoint.PublishResponse.Placement> channels,
            PublishEndpoint.PublishResponse.InboxStored inbox, Boolean replayed, ProblemBody problem) {

        static ItemResult accepted(PublishResult result, boolean replayed) {
            PublishEndpoint.PublishResponse body = PublishEndpoint.PublishResponse.of(result);
            return new ItemResult(202, body.id(), body.channels(), body.inbox(), replayed ? Boolean.TRUE : null, null);
        }

        static ItemResult of(ProblemCarrier problem) {
            return new ItemResult(problem.problem().status(), null, null, null, null,
                    ProblemBody.of(problem.problem(), problem.detail()));
        }
    }
}
