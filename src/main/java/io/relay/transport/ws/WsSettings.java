package io.relay.transport.ws;

import java.time.Duration;

/** The {@code relay.ws.*} settings a connection needs, read once. */
record WsSettings(Duration pingInterval, int maxPendingMessages, boolean tcpNoDelay) {
}
