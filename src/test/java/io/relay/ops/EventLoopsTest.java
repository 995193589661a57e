package io.relay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.netty.util.concurrent.EventExecutor;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

@QuarkusTest
class EventLoopsTest {

    @Inject
    Vertx vertx;

    @Test
    void runsOneEventLoopPerCpu() {
        assertEquals(Runtime.getRuntime().availableProcessors(), eventLoops(vertx));
    }

    static int eventLoops(Vertx vertx) {
        int count = 0;
        for (EventExecutor ignored : ((VertxInternal) vertx).getEventLoopGroup()) {
            count++;
        }
        return count;
    }
}
