package io.relay.engine.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.engine.EngineContractTest;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.engine.NotificationListener;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/** The engine contract against a real redis-server; TTLs are short and real. */
class RedisEngineTest extends EngineContractTest {

    private static final Duration REDIS_TTL = Duration.ofSeconds(2);
    private static final Duration CLAIM_TTL = Duration.ofMillis(500);
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
                new RedisHistory(redis), new RedisIdempotencyStore(redis, REDIS_TTL, CLAIM_TTL, MAX_IDEMPOTENCY_KEYS), () -> {
                    fanout.close();
                    redis.close();
                });
    }

    @Override
    protected void passTtl() {
        await().atMost(REDIS_TTL.multipliedBy(5)).until(() -> send(Request.cmd(Command.DBSIZE)).toLong() == 0);
    }

    @Override
    protected boolean holdsAnyState() {
        return send(Request.cmd(Command.DBSIZE)).toLong() > 0;
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

    @Test
    void publishesOfOneEventLoopTurnGoToRedisAsOneScriptCall() {
        publish("0", "turn");
        send(Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        List<PublishResult> results = publishInOneTurn(10, i -> "turn");
        assertEquals(LongStream.rangeClosed(2, 11).boxed().toList(), offsets(results));
        assertTrue(send(Request.cmd(Command.INFO).arg("commandstats")).toString().contains("cmdstat_evalsha:calls=1,"));
    }

    @Test
    void publishesArrivingWhileABatchIsInFlightGoTogetherInTheNextCall() {
        publish("0", "wait");
        send(Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        CompletableFuture<List<CompletableFuture<PublishResult>>> started = new CompletableFuture<>();
        Context loop = vertx.getOrCreateContext();
        loop.runOnContext(first -> {
            List<CompletableFuture<PublishResult>> results = new ArrayList<>();
            results.add(publishOn("wait", 1));
            // two more turns, queued behind the task that sends the first publish: both run before Redis can answer
            loop.runOnContext(second -> {
                results.add(publishOn("wait", 2));
                results.add(publishOn("wait", 3));
                loop.runOnContext(third -> {
                    for (int i = 4; i <= 6; i++) {
                        results.add(publishOn("wait", i));
                    }
                    started.complete(results);
                });
            });
        });
        List<PublishResult> results = started.orTimeout(10, TimeUnit.SECONDS).join().stream()
                .map(result -> result.orTimeout(10, TimeUnit.SECONDS).join()).toList();
        assertEquals(LongStream.rangeClosed(2, 7).boxed().toList(), offsets(results));
        assertTrue(send(Request.cmd(Command.INFO).arg("commandstats")).toString().contains("cmdstat_evalsha:calls=2,"));
    }

    @Test
    void aTurnOverTheBatchLimitIsSentInSeveralCallsInOrder() {
        int publishes = RedisBroker.MAX_BATCH * 2 + 1;
        assertEquals(LongStream.rangeClosed(1, publishes).boxed().toList(),
                offsets(publishInOneTurn(publishes, i -> "big")));
    }

    @Test
    void aPublishThatFailsInABatchFailsAloneAndTheOthersLand() {
        listen("good", "bad");
        publish("0", "bad");
        send(Request.cmd(Command.DEL).arg(RedisKeys.stream(ChannelName.of("bad"))));
        send(Request.cmd(Command.SET).arg(RedisKeys.stream(ChannelName.of("bad"))).arg("not a stream"));
        List<CompletableFuture<PublishResult>> results = startInOneTurn(3, i -> i == 1 ? "bad" : "good");
        assertEquals(1, results.get(0).join().channels().get(0).position().offset());
        CompletionException failed = assertThrows(CompletionException.class, () -> results.get(1).join());
        assertInstanceOf(EngineUnavailableException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("WRONGTYPE"), failed.getCause().getMessage());
        assertEquals(2, results.get(2).join().channels().get(0).position().offset());
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.stream().filter(n -> n.channel().value().equals("good")).count() == 2);
    }

    @Test
    void aClaimWhoseResultNeverCameIsReleasedAfterTheClaimTtl() {
        // the first publish never ends, as when its replica died between the claim and the result
        engine.idempotency().publishOnce("stuck", () -> Uni.createFrom().nothing()).subscribe().with(r -> { });
        String key = RedisKeys.idempotency("stuck");
        await().atMost(Duration.ofSeconds(5)).until(() -> send(Request.cmd(Command.EXISTS).arg(key)).toInteger() == 1);
        long claimTtl = send(Request.cmd(Command.PTTL).arg(key)).toLong();
        assertTrue(claimTtl > 0 && claimTtl <= CLAIM_TTL.toMillis(), "a claim lives " + claimTtl + " ms");
        PublishResult retried = engine.idempotency().publishOnce("stuck", () -> engine.broker()
                .publish(new PublishRequest("retried", List.of(ChannelName.of("stuck")), null, "1")))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals("retried", retried.id());
        assertTrue(send(Request.cmd(Command.PTTL).arg(key)).toLong() > CLAIM_TTL.toMillis(),
                "a stored result lives for the history TTL");
    }

    /** Publishes {@code count} notifications from one task on an event loop, the i-th to {@code channel(i)}. */
    private List<CompletableFuture<PublishResult>> startInOneTurn(int count, IntFunction<String> channel) {
        CompletableFuture<List<CompletableFuture<PublishResult>>> started = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            List<CompletableFuture<PublishResult>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                results.add(publishOn(channel.apply(i), i));
            }
            started.complete(results);
        });
        return started.orTimeout(10, TimeUnit.SECONDS).join();
    }

    private CompletableFuture<PublishResult> publishOn(String channel, int data) {
        return engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(), List.of(ChannelName.of(channel)),
                null, Integer.toString(data))).subscribeAsCompletionStage();
    }

    private List<PublishResult> publishInOneTurn(int count, IntFunction<String> channel) {
        return startInOneTurn(count, channel).stream().map(result -> result.orTimeout(10, TimeUnit.SECONDS).join()).toList();
    }

    private static List<Long> offsets(List<PublishResult> results) {
        return results.stream().map(result -> result.channels().get(0).position().offset()).toList();
    }
}
