package io.relay.transport.ws;

/**
 * What a {@link WsConnection} needs of the WebSocket library beneath it: the closing handshake.
 * Frames go below the library through {@link FrameWriter}. websockets-next serves the replica; the
 * warm-up's private server upgrades with Vert.x alone.
 */
interface WsPeer {

    /** Sends a close frame with {@code code} and ends the connection, unless it is already closed. */
    void close(int code, String reason);
}
