package io.relay.transport.poll;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.auth.Cors;
import io.relay.metrics.RelayMetrics;
import io.relay.subscribe.SubscriptionService;
import io.relay.transport.QueryParams;
import io.relay.transport.SubscriberHandshake;
import io.relay.problem.Problem;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/notifications} (polling: answers at once) and
 * {@code GET /api/v1/notifications/long-poll} (waits up to {@code timeout} seconds for something to
 * arrive). Both read through the subscription service like every other transport; a waiting
 * long-poll is a session with a timer and holds no thread.
 */
@Singleton
public class PollEndpoint {

    public static final String PATH = "/api/v1/notifications";
    public static final String LONG_POLL_PATH = PATH + "/long-poll";
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_TIMEOUT_SECONDS = 60;
    static final int DEFAULT_TIMEOUT_SECONDS = 25;

    private final SubscriberHandshake handshake;
    private final SubscriptionService service;
    private final RelayMetrics metrics;
    private final Cors cors;
    private final int maxPending;

    public PollEndpoint(SubscriberHandshake handshake, SubscriptionService service, RelayMetrics metrics, Cors cors,
            RelayConfig config) {
        this.handshake = handshake;
        this.service = service;
        this.metrics = metrics;
        this.cors = cors;
        this.maxPending = config.ws().maxPendingMessages();
    }

    void register(@Observes Router router) {
        cors.route(router, PATH, context -> poll(context, false));
        cors.route(router, LONG_POLL_PATH, context -> poll(context, true));
    }

    private void poll(RoutingContext context, boolean wait) {
        int limit;
        Duration timeout;
        try {
            limit = QueryParams.intInRange(context.request(), "limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
            timeout = wait ? Duration.ofSeconds(QueryParams.intInRange(context.request(), "timeout", 1,
                    MAX_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS)) : Duration.ZERO;
        } catch (IllegalArgumentException invalid) {
            SubscriberHandshake.refuse(context, Problem.INVALID_REQUEST, invalid.getMessage());
            return;
        }
        // the cursor may come in Last-Event-ID, as on SSE: a browser then polls one constant URL, whose
        // CORS preflight it caches, instead of paying a preflight for every answer's new cursor
        SubscriberHandshake.Accepted accepted = handshake.accept(context, false,
                context.request().getHeader("Last-Event-ID"));
        if (accepted != null) {
            new PollExchange(context, service, metrics, accepted, limit, timeout, maxPending).start();
        }
    }
}
