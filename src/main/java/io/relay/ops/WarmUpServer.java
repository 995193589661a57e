package io.relay.ops;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.relay.RelayConfig;
import io.relay.auth.OriginPolicy;
import io.relay.auth.PublisherGuard;
import io.relay.auth.PublisherKeys;
import io.relay.auth.SubscriberAuthenticator;
import io.relay.auth.TokenVerifier;
import io.relay.engine.memory.MemoryBroker;
import io.relay.engine.memory.MemoryChannels;
import io.relay.engine.memory.MemoryHistory;
import io.relay.engine.memory.MemoryIdempotencyStore;
import io.relay.inbox.InboxService;
import io.relay.inbox.memory.MemoryInboxStore;
import io.relay.limit.ConnectionSlots;
import io.relay.limit.Limits;
import io.relay.metrics.RelayMetrics;
import io.relay.publish.PayloadLimit;
import io.relay.publish.PublishEndpoint;
import io.relay.publish.PublishOutcomes;
import io.relay.publish.PublishService;
import io.relay.subscribe.CatchUps;
import io.relay.subscribe.Hub;
import io.relay.subscribe.SubscriptionService;
import io.relay.transport.SubscriberHandshake;
import io.relay.transport.ws.WsConnections;
import io.relay.transport.ws.WsHandshake;
import io.relay.transport.ws.WsServerOptions;
import io.relay.transport.ws.WsVertxUpgrade;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * What the warm-up talks to: the replica's own publish and WebSocket code (the same classes, so the
 * JIT compiles what clients will run) on a private stack built for the warm-up alone. Its own
 * memory engine, hub, limits and metrics (in a registry nobody scrapes), its own token verifier and
 * random publisher key, behind an HTTP server on a random loopback port, one per event loop like the
 * replica's. Nothing of it is shared with the replica (never the configured Redis), and all of it is
 * dropped on {@link #close}, so the warm-up leaves no channel, key, metric or connection behind.
 */
final class WarmUpServer implements AutoCloseable {

    static final String LOOPBACK = "127.0.0.1";
    private static final int KEY_BYTES = 32;
    private static final long START_SECONDS = 10;

    private final Vertx vertx;
    private final TokenVerifier verifier;
    private final String publisherKey;
    private final String deployment;
    private final int port;

    private WarmUpServer(Vertx vertx, TokenVerifier verifier, String publisherKey, String deployment, int port) {
        this.vertx = vertx;
        this.verifier = verifier;
        this.publisherKey = publisherKey;
        this.deployment = deployment;
        this.port = port;
    }

    static WarmUpServer start(Vertx vertx, RelayConfig config, Clock clock) throws Exception {
        RelayConfig.History history = config.history();
        RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry());
        MemoryChannels channels = new MemoryChannels(clock, history.size(), history.ttl(), history.maxChannels());
        MemoryHistory memoryHistory = new MemoryHistory(channels);
        Hub hub = new Hub(metrics, new CatchUps(memoryHistory, vertx, metrics, config), config);
        MemoryBroker broker = new MemoryBroker(channels, hub);
        MemoryInboxStore inbox = new MemoryInboxStore(clock, config.inbox().maxItems());
        SubscriptionService subscriptions = new SubscriptionService(hub, broker, memoryHistory, inbox, config, metrics, clock);
        InboxService inboxService = new InboxService(inbox, clock, config);
        Limits limits = new Limits(new ConnectionSlots(config), metrics, config);
        TokenVerifier verifier = new TokenVerifier(config);
        String publisherKey = randomKey();

        Router router = Router.router(vertx);
        new PublishEndpoint(new PublishService(broker, new MemoryIdempotencyStore(clock, history.ttl(),
                config.idempotency().maxKeys()), inboxService), new PublisherGuard(new PublisherKeys(List.of(publisherKey))), new PublishOutcomes(metrics), limits,
                new PayloadLimit(config), config).register(router);
        SubscriberHandshake handshake = new SubscriberHandshake(
                new SubscriberAuthenticator(verifier, new OriginPolicy(config), config), subscriptions, metrics, limits);
        new WsHandshake(handshake, config).register(router);
        new WsVertxUpgrade(new WsConnections(subscriptions, inboxService, verifier, metrics, vertx, config, limits)).register(router);

        // one server per event loop, as the replica has; a negative port is a random one they share
        HttpServerOptions options = new HttpServerOptions().setHost(LOOPBACK).setPort(-1);
        new WsServerOptions(config).customizeHttpServer(options);
        options.setPerMessageWebSocketCompressionSupported(false);
        int loops = 0;
        for (EventExecutor ignored : vertx.nettyEventLoopGroup()) {
            loops++;
        }
        AtomicInteger port = new AtomicInteger();
        String deployment = await(vertx.deployVerticle(() -> new Listener(router, options, port),
                new DeploymentOptions().setInstances(loops)));
        return new WarmUpServer(vertx, verifier, publisherKey, deployment, port.get());
    }

    int port() {
        return port;
    }

    String publisherKey() {
        return publisherKey;
    }

    /** Issues the warm-up's subscriber tokens: accepted by this server only, never by the replica. */
    TokenVerifier verifier() {
        return verifier;
    }

    /** Stops the servers (closing whatever connection is left) and revokes the tokens. */
    @Override
    public void close() {
        verifier.revokeInProcess();
        try {
            await(vertx.undeploy(deployment));
        } catch (Exception e) {
            // the servers are private and unreachable once the warm-up is over: nothing else to undo
        }
    }

    private static String randomKey() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
    }

    /** One HTTP server on its verticle's event loop; tells the port it bound. */
    private static final class Listener extends AbstractVerticle {
        private final Router router;
        private final HttpServerOptions options;
        private final AtomicInteger bound;

        Listener(Router router, HttpServerOptions options, AtomicInteger bound) {
            this.router = router;
            this.options = options;
            this.bound = bound;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(server -> {
                bound.set(server.actualPort());
                started.complete();
            }).onFailure(started::fail);
        }
    }
}
