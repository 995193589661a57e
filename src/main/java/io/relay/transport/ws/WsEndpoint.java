package io.relay.transport.ws;

import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.relay.transport.SubscriberHandshake;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws} on websockets-next. {@link WsHandshake} has checked and accepted the handshake before
 * the upgrade; each connection's {@link WsConnection} does the rest. Every callback is non-blocking
 * and runs to its end on the connection's event loop, so callbacks never overlap: the
 * {@code InboundProcessingMode.CONCURRENT} mode only spares every connection the serial mode's queue
 * (about 1 KB of heap each). What waits for a callback is bounded by {@link WsReadGate}.
 */
@WebSocket(path = WsHandshake.PATH, inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class WsEndpoint {

    private static final UserData.TypedKey<WsConnection> CONNECTION = new UserData.TypedKey<>("relay.connection");

    private final WsConnections connections;

    public WsEndpoint(WsConnections connections) {
        this.connections = connections;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        WsUpgradeCheck.Upgrade upgrade = connection.userData().remove(WsUpgradeCheck.UPGRADE);
        SubscriberHandshake.Accepted accepted = upgrade.accepted();
        WsConnection relay = connections.create((code, reason) -> {
            if (!connection.isClosed()) {
                // a close that fails finds the connection already gone: nothing is left to do
                connection.close(new CloseReason(code, reason)).subscribe().with(done -> {
                }, failure -> {
                });
            }
        }, upgrade.channel());
        connection.userData().put(CONNECTION, relay);
        relay.start(accepted.subscriber(), accepted.channels());
    }

    @OnTextMessage
    @NonBlocking
    void text(String text, WebSocketConnection connection) {
        connection.userData().get(CONNECTION).onText(text);
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(Buffer data, WebSocketConnection connection) {
        connection.userData().get(CONNECTION).onBinary();
    }

    @OnPongMessage
    @NonBlocking
    void pong(Buffer data, WebSocketConnection connection) {
        connection.userData().get(CONNECTION).onPong();
    }

    @OnError
    @NonBlocking
    void error(Throwable failure, WebSocketConnection connection) {
        WsConnection relay = connection.userData().get(CONNECTION);
        if (relay != null) {
            relay.onException(failure);
        }
    }

    @OnClose
    @NonBlocking
    void closed(WebSocketConnection connection) {
        WsConnection relay = connection.userData().get(CONNECTION);
        if (relay != null) {
            relay.onClosed();
        }
    }
}
