package io.relay.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Netty's checks of inbound WebSocket messages, which Vert.x's server WebSocket does not install (it
 * decodes text leniently): every text message must be UTF-8, checked fragment by fragment as it
 * arrives (RFC 6455 §8.1: close 1007), and a fragmented message may not grow past the frame limit
 * (close 1009; Vert.x's own message limit raises a bare exception). Their failures reach
 * {@link WsConnection}'s exception handler, which picks the close code.
 */
final class WsInboundChecks {

    /** Vert.x's connection handler, which receives the decoded frames. */
    private static final String VERTX_HANDLER = "handler";
    private static final String UTF8 = "relay-ws-utf8";

    private WsInboundChecks() {
    }

    /**
     * Installs the checks on a connection about to upgrade, so that no frame reaches Vert.x without
     * them; HTTP messages pass through them untouched.
     */
    static void install(Channel channel, int maxMessageBytes) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(UTF8) != null) {
            // an earlier upgrade on this keep-alive connection was refused after they were installed
            return;
        }
        pipeline.addBefore(VERTX_HANDLER, UTF8, new Utf8FrameValidator(false));
        pipeline.addBefore(VERTX_HANDLER, "relay-ws-message", new WebSocketFrameAggregator(maxMessageBytes));
    }
}
