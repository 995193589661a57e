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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineContractTest;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.HistoryPage;
import io.relay.engine.PublishQueueFullException;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.relay.engine.Notification;
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
    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis();
    private RedisServer server;
    private Vertx vertx;
    private Redis redis;
    private RedisFanout fanout;

    @Override
    protected Engine create(NotificationListener listener) {
        server = LOCAL.server();
        vertx = LOCAL.vertx();
        redis = LOCAL.emptiedClient();
        fanout = new RedisFanout(redis, vertx, listener, Duration.ofSeconds(2));
        return new Engine(new RedisBroker(redis, fanout, Clock.systemUTC(), REDIS_TTL, HISTORY_SIZE, 1024),
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
        return LocalRedis.send(redis, request);
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
    void subscribesInFlightWhenThePubSubConnectionIsKilledCompleteOnTheOneMadeAgain() throws Exception {
        listen("before");
        List<CompletableFuture<Void>> subscribes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            subscribes.add(engine.broker().subscribe(ChannelName.of("blip-" + i)).subscribeAsCompletionStage());
            if (i % 10 == 9) {
                server.command("CLIENT", "KILL", "TYPE", "pubsub");
            }
        }
        for (CompletableFuture<Void> subscribe : subscribes) {
            subscribe.get(10, TimeUnit.SECONDS);
        }
        assertEquals(31, fanout.channelCount());
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
        List<PublishResult> results = within(started).stream()
                .map(result -> within(result)).toList();
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
    void publishesToAThousandChannelsGoInACallEachAndLandInOrder() {
        List<ChannelName> users = IntStream.range(0, 1000).mapToObj(i -> ChannelName.personal("wide-" + i)).toList();
        send(Request.cmd(Command.CONFIG).arg("RESETSTAT"));
        CompletableFuture<List<CompletableFuture<PublishResult>>> started = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> started.complete(IntStream.range(0, 3)
                .mapToObj(i -> engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(), users, null,
                        Integer.toString(i))).subscribeAsCompletionStage())
                .toList()));
        List<PublishResult> results = within(started).stream()
                .map(result -> within(result)).toList();
        for (int i = 0; i < 3; i++) {
            long offset = i + 1;
            assertTrue(results.get(i).channels().stream().allMatch(p -> p.position().offset() == offset));
            assertEquals(users, results.get(i).channels().stream().map(PublishResult.Placement::channel).toList());
        }
        // over RedisBroker.MAX_BATCH_CHANNELS together: one script call per publish, not one for the three
        assertTrue(send(Request.cmd(Command.INFO).arg("commandstats")).toString().contains("cmdstat_evalsha:calls=3,"));
    }

    @Test
    void aPublishThatFailsInABatchFailsAloneAndTheOthersLand() {
        listen("good", "bad");
        publish("0", "bad");
        send(Request.cmd(Command.DEL).arg(RedisKeys.stream(ChannelName.of("bad"))));
        send(Request.cmd(Command.SET).arg(RedisKeys.stream(ChannelName.of("bad"))).arg("not a stream"));
        List<CompletableFuture<PublishResult>> results = startInOneTurn(3, i -> i == 1 ? "bad" : "good");
        assertEquals(1, within(results.get(0)).channels().get(0).position().offset());
        CompletionException failed = assertThrows(CompletionException.class, () -> within(results.get(1)));
        assertInstanceOf(EngineUnavailableException.class, failed.getCause());
        assertTrue(failed.getCause().getMessage().contains("WRONGTYPE"), failed.getCause().getMessage());
        assertEquals(2, within(results.get(2)).channels().get(0).position().offset());
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.stream().filter(n -> n.channel().value().equals("good")).count() == 2);
    }

    @Test
    void aPublishOverTheEventLoopsBoundIsRefusedWithNothingPublished() {
        int bound = 3;
        RedisBroker small = new RedisBroker(redis, fanout, Clock.systemUTC(), REDIS_TTL, HISTORY_SIZE, bound);
        CompletableFuture<List<CompletableFuture<PublishResult>>> started = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> started.complete(IntStream.range(0, bound + 2)
                .mapToObj(i -> small.publish(new PublishRequest(UUID.randomUUID().toString(), List.of(ChannelName.of("bounded")),
                        null, Integer.toString(i))).subscribeAsCompletionStage())
                .toList()));
        List<CompletableFuture<PublishResult>> results = within(started);

        assertEquals(List.of(1L, 2L, 3L), offsets(results.subList(0, bound).stream().map(RedisEngineTest::within).toList()));
        for (CompletableFuture<PublishResult> refused : results.subList(bound, bound + 2)) {
            CompletionException failed = assertThrows(CompletionException.class, () -> within(refused));
            PublishQueueFullException full = assertInstanceOf(PublishQueueFullException.class, failed.getCause());
            assertEquals(503, full.problem().status());
            assertEquals("1", full.headers().get("Retry-After"));
        }
        assertEquals(bound, send(Request.cmd(Command.XLEN).arg(RedisKeys.stream(ChannelName.of("bounded")))).toInteger());
        // answered publishes leave the bound: the loop takes publishes again
        assertEquals(List.of(4L), offsets(List.of(small.publish(new PublishRequest(UUID.randomUUID().toString(),
                List.of(ChannelName.of("bounded")), null, "4")).await().atMost(Duration.ofSeconds(10)))));
    }

    /** Every kind of key a squatter can put where a channel's key belongs, one case per key of the channel. */
    @ParameterizedTest(name = "{0} key squatted")
    @ValueSource(strings = { "offset", "epoch", "stream" })
    void aKeyOfAnotherTypeOnTheSecondChannelFailsThePublishWithNothingOnTheFirst(String squatted) {
        listen("first", "second");
        publish("0", "second");
        ChannelName second = ChannelName.of("second");
        String key = switch (squatted) {
            case "offset" -> RedisKeys.offset(second);
            case "epoch" -> RedisKeys.epoch(second);
            default -> RedisKeys.stream(second);
        };
        send(Request.cmd(Command.DEL).arg(key));
        send(Request.cmd(Command.HSET).arg(key).arg("squatter").arg("1"));

        assertThrows(EngineUnavailableException.class,
                () -> engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(),
                        List.of(ChannelName.of("first"), second), "e", "1")).await().atMost(Duration.ofSeconds(10)));
        ChannelName first = ChannelName.of("first");
        assertEquals(0, send(Request.cmd(Command.EXISTS).arg(RedisKeys.stream(first)).arg(RedisKeys.offset(first))).toInteger());

        // the next publish on the first channel is its first: no offset was burned, nothing was fanned out before it
        assertEquals(1, publish("2", "first").channels().get(0).position().offset());
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.stream().anyMatch(n -> n.channel().equals(first)));
        assertEquals(List.of("2"), delivered.stream().filter(n -> n.channel().equals(first)).map(Notification::data).toList());
    }

    @Test
    void redisOutOfMemoryRefusesTheBatchBeforeWritingAnything() {
        publish("0", "full");
        send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("1"));
        try {
            CompletionException failed = assertThrows(CompletionException.class,
                    () -> within(startInOneTurn(2, i -> i == 0 ? "full" : "new").get(1)));
            assertTrue(failed.getCause().getMessage().contains("OOM"), failed.getCause().getMessage());
        } finally {
            send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0"));
        }
        assertEquals(1, send(Request.cmd(Command.XLEN).arg(RedisKeys.stream(ChannelName.of("full")))).toInteger());
        assertEquals(0, send(Request.cmd(Command.EXISTS).arg(RedisKeys.epoch(ChannelName.of("new")))).toInteger());
    }

    @Test
    void aLostOffsetKeyContinuesTheEpochAfterItsStreamsLastEntry() {
        PublishResult before = publish("1", "evicted");
        publish("2", "evicted");
        publish("3", "evicted");
        send(Request.cmd(Command.DEL).arg(RedisKeys.offset(ChannelName.of("evicted"))));

        StreamPosition after = publish("4", "evicted").channels().get(0).position();
        assertEquals(new StreamPosition(before.channels().get(0).position().epoch(), 4), after);
        assertEquals(4, send(Request.cmd(Command.XLEN).arg(RedisKeys.stream(ChannelName.of("evicted")))).toInteger());
    }

    @Test
    void aLostOffsetKeyLeavesTheChannelsPositionWhereItsStreamEnds() {
        publish("1", "counted");
        publish("2", "counted");
        StreamPosition third = publish("3", "counted").channels().get(0).position();
        send(Request.cmd(Command.DEL).arg(RedisKeys.offset(ChannelName.of("counted"))));

        HistoryPage page = engine.history().read(ChannelName.of("counted"), third, 10)
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(third, page.latest());
        assertTrue(page.recovered(), "a client at the last offset given missed nothing");
        assertEquals(List.of(), page.notifications());
    }

    @Test
    void noWarningAtStartWhenRedisNeverEvicts() {
        assertEquals(Optional.empty(), RedisEvictionPolicy.warning(redis).await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void warnsAtStartWhenRedisMayEvictRelaysKeys() {
        send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("allkeys-lru"));
        try {
            String warning = RedisEvictionPolicy.warning(redis).await().atMost(Duration.ofSeconds(10)).orElseThrow();
            assertTrue(warning.contains("maxmemory-policy is allkeys-lru") && warning.contains("noeviction"), warning);
        } finally {
            send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("noeviction"));
        }
    }

    @Test
    void warnsAtStartThatThePolicyIsUncheckedWhereConfigIsRefused() {
        send(Request.cmd(Command.ACL).arg("SETUSER").arg("managed").arg("on").arg(">secret").arg("~*").arg("&*")
                .arg("+@all").arg("-config"));
        Redis managed = Redis.createClient(vertx, new RedisOptions()
                .setConnectionString("redis://managed:secret@127.0.0.1:" + server.port()));
        try {
            String warning = RedisEvictionPolicy.warning(managed).await().atMost(Duration.ofSeconds(10)).orElseThrow();
            assertTrue(warning.contains("could not read maxmemory-policy") && warning.contains("noeviction"), warning);
        } finally {
            managed.close();
            send(Request.cmd(Command.ACL).arg("DELUSER").arg("managed"));
        }
    }

    @Test
    void aLateFirstPublishDoesNotOverwriteTheRetryThatTookItsExpiredClaim() {
        PublishResult late = new PublishResult("late", List.of());
        CompletableFuture<PublishResult> first = engine.idempotency().publishOnce("slow",
                () -> Uni.createFrom().item(late).onItem().delayIt().by(CLAIM_TTL.multipliedBy(3))).subscribeAsCompletionStage();
        String key = RedisKeys.idempotency("slow");
        await().atMost(Duration.ofSeconds(5)).until(() -> send(Request.cmd(Command.EXISTS).arg(key)).toInteger() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> send(Request.cmd(Command.EXISTS).arg(key)).toInteger() == 0);
        PublishResult retried = engine.idempotency().publishOnce("slow", () -> engine.broker()
                .publish(new PublishRequest("retried", List.of(ChannelName.of("slow")), null, "1")))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals("late", within(first).id());

        PublishResult again = engine.idempotency().publishOnce("slow", () -> Uni.createFrom().failure(new AssertionError("published twice")))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(retried.id(), again.id(), "the stored result is the retry's, which is the one that published");
    }

    @Test
    void aPublishWhoseOutcomeIsUnknownKeepsItsClaim() {
        String key = RedisKeys.idempotency("unknown");
        assertThrows(EngineUnavailableException.class, () -> engine.idempotency().publishOnce("unknown",
                () -> Uni.createFrom().failure(new EngineUnavailableException("Redis: connection closed", new java.io.IOException("closed"))))
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(1, send(Request.cmd(Command.EXISTS).arg(key)).toInteger(), "the publish may have landed: its claim stands");

        String refusedKey = RedisKeys.idempotency("refused");
        assertThrows(EngineUnavailableException.class, () -> engine.idempotency().publishOnce("refused",
                () -> Uni.createFrom().failure(new EngineUnavailableException("Redis: WRONGTYPE", null)))
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(0, send(Request.cmd(Command.EXISTS).arg(refusedKey)).toInteger(), "nothing was published: the claim is released");
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
        return within(started);
    }

    private CompletableFuture<PublishResult> publishOn(String channel, int data) {
        return engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(), List.of(ChannelName.of(channel)),
                null, Integer.toString(data))).subscribeAsCompletionStage();
    }

    private List<PublishResult> publishInOneTurn(int count, IntFunction<String> channel) {
        return startInOneTurn(count, channel).stream().map(result -> within(result)).toList();
    }

    private static List<Long> offsets(List<PublishResult> results) {
        return results.stream().map(result -> result.channels().get(0).position().offset()).toList();
    }

    /** A result the test waits for at most 10 s: an engine that never answers fails the test instead of hanging it. */
    private static <T> T within(CompletableFuture<T> result) {
        return result.orTimeout(10, TimeUnit.SECONDS).join();
    }
}
