package io.relay.transport.ws;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AttributeKey;
import io.relay.RelayConfig;
import io.relay.problem.Problem;
import io.relay.transport.SubscriberHandshake;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /ws} before websockets-next sees it: checks the handshake (token, origin, channels)
 * and answers any refusal with problem+json, so a client never sees a 101 followed by a close (the
 * extension's own upgrade check can refuse with a bare status only). An accepted handshake is left on
 * its Netty channel for {@link WsUpgradeCheck}, the request keeps only the headers the upgrade needs
 * (the connection copies the rest for its whole life, credentials included), and the extension
 * upgrades.
 */
@Singleton
public class WsHandshake {

    public static final String PATH = "/ws";
    private static final AttributeKey<SubscriberHandshake.Accepted> ACCEPTED = AttributeKey.valueOf("relay.ws.accepted");
    private static final String BEARER_PROTOCOL = "relay.bearer.";

    private final SubscriberHandshake handshake;
    private final int maxFrameBytes;

    public WsHandshake(SubscriberHandshake handshake, RelayConfig config) {
        this.handshake = handshake;
        this.maxFrameBytes = config.ws().maxFrameBytes();
    }

    /** Adds the check ahead of the upgrade: to the replica's router (Quarkus calls it) and to the warm-up's own. */
    public void register(@Observes Router router) {
        // every method: websockets-next mounts /ws for all of them, and only GET upgrades
        router.route(PATH).order(-10).handler(this::check);
    }

    /** The handshake accepted on {@code channel}, once: null when none is waiting. */
    static SubscriberHandshake.Accepted take(Channel channel) {
        return channel.hasAttr(ACCEPTED) ? channel.attr(ACCEPTED).getAndRemove() : null;
    }

    static Channel channel(HttpServerRequest request) {
        return ((ConnectionBase) request.connection()).channel();
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.method() != HttpMethod.GET) {
            context.response().putHeader(HttpHeaders.ALLOW, "GET");
            SubscriberHandshake.refuse(context, Problem.METHOD_NOT_ALLOWED, "GET /ws with a WebSocket upgrade");
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            SubscriberHandshake.refuse(context, Problem.UPGRADE_REQUIRED, "GET /ws needs a WebSocket upgrade");
            return;
        }
        SubscriberHandshake.Accepted accepted = handshake.accept(context, true, null);
        if (accepted == null) {
            return;
        }
        Channel channel = channel(request);
        WsInboundChecks.install(channel, maxFrameBytes);
        channel.attr(ACCEPTED).set(accepted);
        keepOnlyWhatTheUpgradeNeeds(request.headers());
        context.next();
    }

    /**
     * The upgrade reads the key, version, subprotocols and extensions; the token (header, cookie or
     * {@code relay.bearer.*} subprotocol) has been verified and must not outlive the handshake.
     */
    private static void keepOnlyWhatTheUpgradeNeeds(MultiMap headers) {
        String protocols = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        for (String name : List.copyOf(headers.names())) {
            if (!name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-")
                    && !HttpHeaders.UPGRADE.toString().equalsIgnoreCase(name)
                    && !HttpHeaders.CONNECTION.toString().equalsIgnoreCase(name)
                    && !HttpHeaders.HOST.toString().equalsIgnoreCase(name)) {
                headers.remove(name);
            }
        }
        if (protocols != null) {
            StringBuilder kept = new StringBuilder();
            for (String protocol : protocols.split(",")) {
                String name = protocol.strip();
                if (!name.isEmpty() && !name.startsWith(BEARER_PROTOCOL)) {
                    kept.append(kept.isEmpty() ? "" : ", ").append(name);
                }
            }
            if (kept.isEmpty()) {
                headers.remove(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            } else {
                headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, kept.toString());
            }
        }
    }
}
