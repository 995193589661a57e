package io.relay.transport.ws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.relay.subscribe.CloseCode;

/**
 * Netty's checks of inbound WebSocket messages, which Vert.x's server WebSocket does not install (it
 * decodes text leniently): every text message must be UTF-8, checked fragment by fragment as it
 * arrives (RFC 6455 §8.1: close 1007), and a fragmented message may not grow past the frame limit
 * (close 1009; Vert.x's own message limit raises a bare exception). A broken peer is answered right
 * here with the RFC 6455 status it earned: the libraries above would close the channel before a
 * close frame written later could leave. Last, {@link WsReadGate} bounds what one connection may
 * have read and not yet handled.
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
        pipeline.addBefore(VERTX_HANDLER, "relay-ws-broken-peer", new BrokenPeer());
        pipeline.addBefore(VERTX_HANDLER, "relay-ws-read-gate", new WsReadGate());
    }

    /** The close code a decoding failure earns, or null when it is not a broken peer's. */
    private static CloseCode closeCode(Throwable failure) {
        if (failure instanceof TooLongFrameException) {
            return CloseCode.FRAME_TOO_BIG;
        }
        if (failure instanceof CorruptedWebSocketFrameException corrupted) {
            int status = corrupted.closeStatus().code();
            return status == WebSocketCloseStatus.MESSAGE_TOO_BIG.code() ? CloseCode.FRAME_TOO_BIG
                    : status == WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code() ? CloseCode.INVALID_TEXT
                    : CloseCode.PROTOCOL_ERROR;
        }
        return null;
    }

    /** Sends the close frame a broken peer earned, then closes; other failures go on up. */
    private static final class BrokenPeer extends ChannelInboundHandlerAdapter {

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable failure) {
            CloseCode code = closeCode(failure);
            if (code == null) {
                context.fireExceptionCaught(failure);
                return;
            }
            context.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason())).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
