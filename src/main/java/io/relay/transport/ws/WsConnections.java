package io.relay.transport.ws;

import jakarta.inject.Singleton;

import io.netty.channel.Channel;
import io.relay.RelayConfig;
import io.relay.auth.TokenVerifier;
import io.relay.inbox.InboxService;
import io.relay.limit.Limits;
import io.relay.metrics.RelayMetrics;
import io.relay.subscribe.SubscriptionService;
import io.vertx.core.Vertx;

/** Makes a {@link WsConnection} for each upgraded socket, whichever library upgraded it. */
@Singleton
public class WsConnections {

    private final SubscriptionService service;
    private final InboxService inbox;
    private final TokenVerifier verifier;
    private final RelayMetrics metrics;
    private final Vertx vertx;
    private final WsSettings settings;
    private final Limits limits;

    public WsConnections(SubscriptionService service, InboxService inbox, TokenVerifier verifier, RelayMetrics metrics,
            Vertx vertx, RelayConfig config, Limits limits) {
        this.service = service;
        this.inbox = inbox;
        this.verifier = verifier;
        this.metrics = metrics;
        this.vertx = vertx;
        this.settings = WsSettings.of(config);
        this.limits = limits;
    }

    WsConnection create(WsPeer peer, Channel channel) {
        return new WsConnection(peer, channel, vertx, service, inbox, verifier, metrics, settings, limits);
    }
}
