package io.relay.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;

/** Frames reach the socket as they are, past the encoder, and an outbound handler below it (TLS) still sees them. */
class FrameWriterTest {

    private static ByteBuf frame() {
        return Unpooled.copiedBuffer("\u0081\u0002hi", StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesTheFrameAsItIsOnAPlainConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1024),
                new WebSocket13FrameEncoder(false));
        ByteBuf frame = frame();
        new FrameWriter(channel).write(frame);
        assertSame(frame, channel.readOutbound(), "the same buffer, not re-encoded");
    }

    @Test
    void passesTheFrameThroughAnOutboundHandlerBelowTheEncoder() {
        List<Object> seen = new ArrayList<>();
        ChannelOutboundHandlerAdapter tls = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                seen.add(msg);
                ctx.write(msg, promise);
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(tls, new WebSocket13FrameEncoder(false));
        ByteBuf frame = frame();
        new FrameWriter(channel).write(frame);
        assertEquals(List.of(frame), seen);
        assertSame(frame, channel.readOutbound());
    }

    @Test
    void countsNothingUnwrittenOnceWrittenAndMinusOneWhenClosed() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        FrameWriter frames = new FrameWriter(channel);
        frames.write(frame());
        assertEquals(0, frames.unwritten());
        channel.close();
        assertEquals(-1, frames.unwritten());
    }

    @Test
    void needsAWebSocketEncoder() {
        assertThrows(IllegalStateException.class, () -> new FrameWriter(new EmbeddedChannel()));
    }
}
