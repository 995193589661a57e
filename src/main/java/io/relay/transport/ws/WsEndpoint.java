package io.relay.transport.ws;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.relay.RelayConfig;
import io.relay.auth.TokenVerifier;
import io.relay.limit.Limits;
import io.relay.metrics.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.subscribe.SubscriptionService;
import io.relay.transport.SubscriberHandshake;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws}: checks the handshake (token, origin, channels) and answers any refusal with a
 * problem+json response before upgrading, so a client never sees a 101 followed by a close.
 *
 * <p>Built on Vert.x's {@code ServerWebSocket} under Quarkus's router rather than websockets-next:
 * websockets-next 3.34 can refuse an upgrade only with a bare status, has no write-queue signal for
 * slow consumers, and cannot write one pre-encoded buffer to many sockets.
 */
@Singleton
public class WsEndpoint {

    private static final Logger LOG = Logger.getLogger(WsEndpoint.class);
    static final String PATH = "/ws";

    private final SubscriberHandshake handshake;
    private final SubscriptionService service;
    private final TokenVerifier verifier;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final WsSettings settings;
    private final Limits limits;
    private final int maxFrameBytes;

    public WsEndpoint(SubscriberHandshake handshake, SubscriptionService service, TokenVerifier verifier,
            RelayMetrics metrics, Vertx vertx, RelayConfig config, Limits limits) {
        this.limits = limits;
        this.handshake = handshake;
        this.service = service;
        this.verifier = verifier;
        this.metrics = metrics;
        this.vertx = vertx;
        this.settings = new WsSettings(config.ws().pingInterval(), config.ws().maxPendingMessages(),
                config.ws().tcpNoDelay());
        this.maxFrameBytes = config.ws().maxFrameBytes();
    }

    /** Adds the routes: to the replica's router (Quarkus calls it) and to the warm-up's own. */
    public void register(@Observes Router router) {
        router.route(HttpMethod.GET, PATH).order(-10).handler(this::handshake);
    }

    private void handshake(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            SubscriberHandshake.refuse(context, Problem.UPGRADE_REQUIRED, "GET /ws needs a WebSocket upgrade");
            return;
        }
        SubscriberHandshake.Accepted accepted = handshake.accept(context, true, null);
        if (accepted == null) {
            return;
        }
        WsInboundChecks.install(((ConnectionBase) request.connection()).channel(), maxFrameBytes);
        request.toWebSocket()
                .onSuccess(socket -> new WsConnection(socket, ((ConnectionBase) request.connection()).channel(),
                        vertx, service, verifier, metrics, settings, limits)
                        .start(accepted.subscriber(), accepted.channels()))
                .onFailure(failure -> LOG.debugf("WebSocket handshake failed: %s", failure.toString()));
    }
}
