package io.relay.transport.ws;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.relay.RelayConfig;
import io.relay.auth.AccessDeniedException;
import io.relay.auth.Subscriber;
import io.relay.auth.SubscriberAuthenticator;
import io.relay.auth.TokenRejectedException;
import io.relay.auth.TokenVerifier;
import io.relay.channel.ChannelName;
import io.relay.ops.RelayMetrics;
import io.relay.problem.Challenges;
import io.relay.problem.Problem;
import io.relay.problem.ProblemBody;
import io.relay.subscribe.SubscribeException;
import io.relay.subscribe.SubscriptionService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
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

    private final SubscriberAuthenticator authenticator;
    private final SubscriptionService service;
    private final TokenVerifier verifier;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final WsSettings settings;

    public WsEndpoint(SubscriberAuthenticator authenticator, SubscriptionService service, TokenVerifier verifier,
            RelayMetrics metrics, Vertx vertx, RelayConfig config) {
        this.authenticator = authenticator;
        this.service = service;
        this.verifier = verifier;
        this.metrics = metrics;
        this.vertx = vertx;
        this.settings = new WsSettings(config.ws().pingInterval(), config.ws().maxPendingMessages());
    }

    void register(@Observes Router router) {
        router.route(HttpMethod.GET, PATH).order(-10).handler(this::handshake);
    }

    private void handshake(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            refuse(context, Problem.UPGRADE_REQUIRED, "GET /ws needs a WebSocket upgrade", null);
            return;
        }
        Subscriber subscriber;
        List<ChannelName> channels;
        try {
            subscriber = authenticator.authenticate(request, true);
            channels = service.initialChannels(subscriber, requestedChannels(request));
        } catch (TokenRejectedException rejected) {
            metrics.authFailure(rejected.reason().name());
            refuse(context, Problem.UNAUTHORIZED, rejected.getMessage(), Challenges.bearer(rejected));
            return;
        } catch (AccessDeniedException denied) {
            metrics.authFailure(denied.reason().name());
            refuse(context, Problem.FORBIDDEN, denied.getMessage(), null);
            return;
        } catch (IllegalArgumentException | SubscribeException invalid) {
            refuse(context, Problem.INVALID_REQUEST, invalid.getMessage(), null);
            return;
        }
        request.toWebSocket()
                .onSuccess(socket -> new WsConnection(socket, vertx, service, verifier, metrics, settings)
                        .start(subscriber, channels))
                .onFailure(failure -> LOG.debugf("WebSocket handshake failed: %s", failure.toString()));
    }

    private static List<ChannelName> requestedChannels(HttpServerRequest request) {
        List<String> values = request.params().getAll("channel");
        List<ChannelName> channels = new ArrayList<>(values.size());
        for (String value : values) {
            channels.add(ChannelName.of(value));
        }
        return channels;
    }

    private static void refuse(RoutingContext context, Problem problem, String detail, String challenge) {
        if (challenge != null) {
            context.response().putHeader("WWW-Authenticate", challenge);
        }
        ProblemBody.of(problem, detail).send(context.response());
    }
}
