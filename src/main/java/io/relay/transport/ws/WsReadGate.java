package io.relay.transport.ws;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Decides when a connection reads from its socket: not before its welcome is out, and not while
 * the messages of a burst are still waiting for their callbacks. websockets-next hands every message
 * (op, ping or pong) to its callback as a task on the event loop, so a client writing faster than
 * its messages are handled would queue tasks without bound. After {@link #BURST} messages in one
 * read the socket stops being read until a task queued behind the callbacks of that read has run:
 * at most that many messages plus the rest of one read buffer wait per connection, and the client's
 * further writes wait in TCP's buffers (back-pressure: nothing is dropped).
 */
final class WsReadGate extends ChannelInboundHandlerAdapter {

    static final int BURST = 64;

    private ChannelHandlerContext context;
    /** Messages read since reading last resumed. */
    private int burst;
    /** The connection holds reading until its welcome is out. */
    private boolean held;
    /** Reading waits for the burst's callbacks. */
    private boolean draining;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof WebSocketFrame && !(message instanceof CloseWebSocketFrame) && ++burst == BURST) {
            draining = true;
            update();
        }
        context.fireChannelRead(message);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        if (draining) {
            // queued behind the callbacks of every message of this read: tasks run in order
            context.executor().execute(this::drained);
        } else {
            burst = 0;
        }
        context.fireChannelReadComplete();
    }

    private void drained() {
        draining = false;
        burst = 0;
        update();
    }

    /** Stops reading until {@link #release()}: what was read already still comes up. */
    void hold() {
        held = true;
        update();
    }

    void release() {
        held = false;
        update();
    }

    private void update() {
        context.channel().config().setAutoRead(!held && !draining);
    }
}
