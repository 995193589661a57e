package io.relay.engine.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.engine.EngineContractTest;
import io.relay.engine.NotificationListener;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/** The engine contract against a real redis-server; TTLs are short and real. */
class RedisEngineTest extends EngineContractTest {

    private static final Duration REDIS_TTL = Duration.ofSeconds(2);
    private static RedisServer server;
    private static Vertx vertx;
    private Redis redis;
    private RedisFanout fanout;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
        server.close();
    }

    @Override
    protected Engine create(NotificationListener listener) {
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(8));
        send(Request.cmd(Command.FLUSHALL));
        fanout = new RedisFanout(redis, vertx, listener);
        return new Engine(new RedisBroker(redis, fanout, Clock.systemUTC(), REDIS_TTL, HISTORY_SIZE),
                new RedisHistory(redis, REDIS_TTL), new RedisIdempotencyStore(redis, REDIS_TTL), () -> {
                    fanout.close();
                    redis.close();
                });
    }

    @Override
    protected void passTtl() {
        await().atMost(REDIS_TTL.multipliedBy(5)).until(() -> send(Request.cmd(Command.DBSIZE)).toLong() == 0);
    }

    private io.vertx.redis.client.Response send(Request request) {
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void subscribesOncePerChannelWhateverTheNumberOfSubscribers() {
        listen("shared", "shared", "other");
        assertEquals(2, fanout.channelCount());
        engine.broker().unsubscribe(ChannelName.of("shared"));
        assertEquals(2, fanout.channelCount());
        engine.broker().unsubscribe(ChannelName.of("shared"));
        assertEquals(1, fanout.channelCount());
    }
}
