package io.relay.transport;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

/** The Netty event loop a transport's session is confined to: the one running the caller's Vert.x context. */
public final class EventLoops {

    private EventLoops() {
    }

    public static EventLoop current(Vertx vertx) {
        return ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();
    }
}
