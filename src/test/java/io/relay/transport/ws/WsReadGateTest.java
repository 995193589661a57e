package io.relay.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * What a connection has read and not yet handled stays bounded: past a burst of messages in one
 * read, reading stops until every callback queued for them has run. The callbacks are queued as
 * websockets-next queues them, one task on the event loop per message.
 */
class WsReadGateTest {

    private final WsReadGate gate = new WsReadGate();
    /** For each callback, whether the socket was being read when it ran. */
    private final List<Boolean> readingDuringCallbacks = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(gate, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            ReferenceCountUtil.release(message);
            context.executor().execute(() -> readingDuringCallbacks.add(context.channel().config().isAutoRead()));
        }
    });

    private void read(int messages) {
        for (int i = 0; i < messages; i++) {
            channel.pipeline().fireChannelRead(i % 2 == 0 ? new TextWebSocketFrame("{\"op\":\"ping\"}") : new PingWebSocketFrame());
        }
    }

    @Test
    void aBurstInOneReadStopsReadingUntilEveryCallbackOfItHasRun() {
        read(WsReadGate.BURST - 1);
        assertTrue(channel.config().isAutoRead());
        read(1);
        assertFalse(channel.config().isAutoRead());
        read(100);
        channel.pipeline().fireChannelReadComplete();
        assertFalse(channel.config().isAutoRead(), "the rest of the read buffer comes up, nothing more is read");

        channel.runPendingTasks();
        assertEquals(WsReadGate.BURST + 100, readingDuringCallbacks.size());
        assertFalse(readingDuringCallbacks.contains(true), "every callback ran while reading was stopped");
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void messagesSpreadOverReadsNeverStopReading() {
        for (int i = 0; i < 10; i++) {
            read(WsReadGate.BURST - 1);
            channel.pipeline().fireChannelReadComplete();
            assertTrue(channel.config().isAutoRead());
        }
    }

    @Test
    void aHoldOutlastsTheBurstAndReadingResumesOnRelease() {
        gate.hold();
        read(WsReadGate.BURST);
        channel.pipeline().fireChannelReadComplete();
        channel.runPendingTasks();
        assertFalse(channel.config().isAutoRead(), "held until the welcome is out");
        gate.release();
        assertTrue(channel.config().isAutoRead());
    }
}
