package io.relay.engine.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A {@code @QuarkusTest} on the Redis engine, against its own empty redis-server. */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

    private RedisServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = RedisServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("relay.engine", "redis", "quarkus.redis.hosts", server.url());
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
