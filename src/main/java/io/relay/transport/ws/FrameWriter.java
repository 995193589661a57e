package io.relay.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

/**
 * Writes pre-encoded WebSocket frames to one connection: into the pipeline at the WebSocket
 * encoder's context, so the encoder is skipped and anything below it (TLS) still sees the frame,
 * with a void promise and a flush. No frame object, promise or listener per write.
 */
final class FrameWriter {

    private final ChannelHandlerContext belowEncoder;

    FrameWriter(Channel channel) {
        this.belowEncoder = channel.pipeline().context(WebSocketFrameEncoder.class);
        if (belowEncoder == null) {
            throw new IllegalStateException("no WebSocket encoder in the pipeline " + channel.pipeline().names());
        }
    }

    /** Frames handed to the socket and not yet written to the network; -1 once the channel is closed. */
    int unwritten() {
        ChannelOutboundBuffer buffer = belowEncoder.channel().unsafe().outboundBuffer();
        return buffer == null ? -1 : buffer.size();
    }

    /** Writes and flushes {@code frame}, a complete frame the caller owns (a duplicate of a shared buffer). */
    void write(ByteBuf frame) {
        belowEncoder.writeAndFlush(frame, belowEncoder.voidPromise());
    }
}
