package io.relay.transport.sse;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.auth.Cors;
import io.relay.metrics.RelayMetrics;
import io.relay.subscribe.SubscriptionService;
import io.relay.transport.SubscriberHandshake;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/notifications/stream}: Server-Sent Events. Resumes from {@code Last-Event-ID}
 * (what EventSource sends when it reconnects), else from the {@code cursor} parameter.
 */
@Singleton
public class SseEndpoint {

    public static final String PATH = "/api/v1/notifications/stream";

    private final SubscriberHandshake handshake;
    private final SubscriptionService service;
    private final RelayMetrics metrics;
    private final Cors cors;
    private final Duration heartbeat;
    private final int maxPending;

    public SseEndpoint(SubscriberHandshake handshake, SubscriptionService service, RelayMetrics metrics, Cors cors,
            RelayConfig config) {
        this.handshake = handshake;
        this.service = service;
        this.metrics = metrics;
        this.cors = cors;
        this.heartbeat = config.sse().heartbeat();
        this.maxPending = config.ws().maxPendingMessages();
    }

    void register(@Observes Router router) {
        cors.route(router, PATH, this::stream);
    }

    private void stream(RoutingContext context) {
        SubscriberHandshake.Accepted accepted = handshake.accept(context, false,
                context.request().getHeader("Last-Event-ID"));
        if (accepted != null) {
            new SseStream(context, service, metrics, accepted, heartbeat, maxPending).start();
        }
    }
}
