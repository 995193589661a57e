package io.relay.engine.redis;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A real redis-server and a Vert.x for one test class ({@code @RegisterExtension static}), with
 * clients of an emptied database for each test.
 */
public final class LocalRedis implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    private Vertx vertx;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
    }

    public RedisServer server() {
        return server;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** A client of the server, whose database is emptied first. */
    public Redis emptiedClient() {
        Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(8));
        send(redis, Request.cmd(Command.FLUSHALL));
        return redis;
    }

    /** Sends a request and waits for its answer (at most 10 s). */
    public static Response send(Redis redis, Request request) {
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
