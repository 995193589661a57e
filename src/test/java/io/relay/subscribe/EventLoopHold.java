package io.relay.subscribe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;

/**
 * Parks every Vert.x event loop until closed, so that a test can line work up behind them (frames in
 * the socket, queued deliveries) and let it run in one go. Held at most 5 s.
 */
final class EventLoopHold implements AutoCloseable {

    private final CountDownLatch release = new CountDownLatch(1);

    private EventLoopHold() {
    }

    static EventLoopHold every(Vertx vertx) throws InterruptedException {
        EventLoopHold hold = new EventLoopHold();
        List<EventExecutor> loops = new ArrayList<>();
        vertx.nettyEventLoopGroup().forEach(loops::add);
        CountDownLatch parked = new CountDownLatch(loops.size());
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                parked.countDown();
                try {
                    hold.release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        if (!parked.await(5, TimeUnit.SECONDS)) {
            hold.close();
            throw new IllegalStateException("the event loops could not be parked");
        }
        return hold;
    }

    @Override
    public void close() {
        release.countDown();
    }
}
