package io.relay.transport.ws;

import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.relay.RelayConfig;
import io.vertx.core.http.HttpServerOptions;

/**
 * WebSocket settings of Quarkus's HTTP server: the {@code relay.v1} subprotocol (never a
 * {@code relay.bearer.*} one, which carries a token), the frame limit behind close code 1009, and no
 * per-frame compression. Per-message compression is websockets-next's setting
 * ({@code quarkus.websockets-next.server.per-message-compression-supported}, off in
 * application.properties: it keeps zlib state for every connection).
 */
@Singleton
public class WsServerOptions implements HttpServerOptionsCustomizer {

    public static final String SUBPROTOCOL = "relay.v1";

    private final RelayConfig config;

    public WsServerOptions(RelayConfig config) {
        this.config = config;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        apply(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        apply(options);
    }

    private void apply(HttpServerOptions options) {
        int maxFrame = config.ws().maxFrameBytes();
        options.setWebSocketSubProtocols(List.of(SUBPROTOCOL))
                .setMaxWebSocketFrameSize(maxFrame)
                .setMaxWebSocketMessageSize(maxFrame)
                .setPerFrameWebSocketCompressionSupported(false);
    }
}
