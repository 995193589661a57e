package io.relay.transport.ws;

import org.jboss.logging.Logger;

import io.netty.channel.Channel;
import io.relay.transport.SubscriberHandshake;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /ws} upgraded by Vert.x alone, for the warm-up's private server: websockets-next serves only
 * the replica's own HTTP server. Behind the same {@link WsHandshake}, it drives the same
 * {@link WsConnection}, so the warm-up compiles the code the replica runs.
 */
public final class WsVertxUpgrade {

    private static final Logger LOG = Logger.getLogger(WsVertxUpgrade.class);

    private final WsConnections connections;

    public WsVertxUpgrade(WsConnections connections) {
        this.connections = connections;
    }

    /** Adds the upgrade behind {@link WsHandshake}'s check, which must be registered on the same router. */
    public void register(Router router) {
        router.route(HttpMethod.GET, WsHandshake.PATH).handler(this::upgrade);
    }

    private void upgrade(RoutingContext context) {
        HttpServerRequest request = context.request();
        Channel channel = WsHandshake.channel(request);
        SubscriberHandshake.Accepted accepted = WsHandshake.take(channel);
        request.toWebSocket().onSuccess(socket -> {
            WsConnection connection = connections.create((code, reason) -> {
                if (!socket.isClosed()) {
                    socket.close((short) code, reason);
                }
            }, channel);
            socket.textMessageHandler(connection::onText);
            socket.binaryMessageHandler(data -> connection.onBinary());
            socket.pongHandler(data -> connection.onPong());
            socket.exceptionHandler(connection::onException);
            socket.closeHandler(v -> connection.onClosed());
            connection.start(accepted.subscriber(), accepted.channels());
        }).onFailure(failure -> LOG.debugf("WebSocket handshake failed: %s", failure.toString()));
    }
}
