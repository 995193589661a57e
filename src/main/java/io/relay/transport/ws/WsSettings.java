package io.relay.transport.ws;

import java.time.Duration;

import io.relay.RelayConfig;

/** The {@code relay.ws.*} settings a connection needs, read once. */
record WsSettings(Duration pingInterval, int maxPendingMessages, boolean tcpNoDelay) {

    static WsSettings of(RelayConfig config) {
        return new WsSettings(config.ws().pingInterval(), config.ws().maxPendingMessages(), config.ws().tcpNoDelay());
    }
}
