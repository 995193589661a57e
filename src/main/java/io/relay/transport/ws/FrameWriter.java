package io.relay.transport.ws;

import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

/**
 * Writes pre-encoded WebSocket frames to one connection, below Vert.x's WebSocket encoder, with a
 * void promise and a flush: no frame object, promise or listener per write.
 *
 * <p>When no outbound handler sits below the encoder (plain TCP: only the frame decoder, which
 * handles reads), the frame goes straight to the channel's {@link Channel.Unsafe}, which is all the
 * pipeline's head would do with it; a broadcast touches a few objects per connection instead of a
 * walk over its handler contexts (docs/performance.md). Otherwise (TLS, for one) it enters the
 * pipeline at the encoder's context, so those handlers still see it.
 */
final class FrameWriter {

    private final Channel channel;
    private final Channel.Unsafe direct;
    private final ChannelHandlerContext belowEncoder;

    FrameWriter(Channel channel) {
        this.channel = channel;
        this.belowEncoder = channel.pipeline().context(WebSocketFrameEncoder.class);
        if (belowEncoder == null) {
            throw new IllegalStateException("no WebSocket encoder in the pipeline " + channel.pipeline().names());
        }
        this.direct = onlyInboundBelow(channel, belowEncoder.handler()) ? channel.unsafe() : null;
    }

    /** Frames handed to the socket and not yet written to the network; -1 once the channel is closed. */
    int unwritten() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? -1 : buffer.size();
    }

    /** Writes and flushes {@code frame}, a complete frame the caller owns (a duplicate of a shared buffer). */
    void write(ByteBuf frame) {
        if (direct != null) {
            direct.write(frame, direct.voidPromise());
            direct.flush();
        } else {
            belowEncoder.writeAndFlush(frame, belowEncoder.voidPromise());
        }
    }

    private static boolean onlyInboundBelow(Channel channel, ChannelHandler encoder) {
        for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
            if (entry.getValue() == encoder) {
                return true;
            }
            if (entry.getValue() instanceof ChannelOutboundHandler) {
                return false;
            }
        }
        return false;
    }
}
