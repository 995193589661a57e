package io.relay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisTestResource;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** On the Redis engine the warm-up never touches Redis: once ready, Redis holds only the replica's announcement. */
@QuarkusTest
@TestProfile(WarmUpOnRedisTest.WarmUpOnRedis.class)
class WarmUpOnRedisTest {

    public static class WarmUpOnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.warm-up.enabled", "true", "relay.warm-up.connections", "20",
                    "relay.warm-up.publishes", "400", "relay.warm-up.max-duration", "10s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisTestResource.class));
        }
    }

    @Inject
    Redis redis;

    @Inject
    WarmUp warmUp;

    @Test
    void redisHoldsNoKeyOfTheWarmUpOnceTheReplicaIsReady() throws Exception {
        WarmUpTest.awaitReady();
        assertTrue(warmUp.report().accepted() > 0, warmUp.report().toString());

        Response keys = redis.send(Request.cmd(Command.KEYS).arg("*")).toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        List<String> names = keys.stream().map(Response::toString).toList();
        // what a replica writes at start-up by itself: its heartbeat in the set of replicas
        assertEquals(List.of("relay:replicas"), names);
        assertEquals(List.of(), WarmUpTest.nonZeroRelayMetrics());
    }
}
