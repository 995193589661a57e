package io.relay.inbox.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relay.engine.redis.RedisServer;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxStore;
import io.relay.inbox.InboxStoreContractTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** The inbox contract against a real redis-server, and what the keys of a user look like there. */
class RedisInboxStoreTest extends InboxStoreContractTest {

    private static RedisServer server;
    private static Vertx vertx;
    private Redis redis;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server.close();
    }

    @Override
    protected InboxStore create(int maxItems) {
        if (redis != null) {
            redis.close();
        }
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()).setMaxPoolSize(8));
        send(Request.cmd(Command.FLUSHALL));
        return new RedisInboxStore(redis, clock, maxItems);
    }

    @AfterEach
    void closeClient() {
        redis.close();
        redis = null;
    }

    @Override
    protected boolean holdsAnyState() {
        return send(Request.cmd(Command.DBSIZE)).toLong() > 0;
    }

    @Test
    void aUsersKeysShareOneHashSlotAndExpireWithTheLastItem() {
        Instant now = clock.instant();
        store.store(List.of("alice"), new InboxEntry("n-slot", null, "1", now, now.plusSeconds(600))).await().atMost(WAIT);
        for (String key : RedisInboxStore.keys("alice")) {
            // Redis Cluster hashes only what is between the first { and the next }
            assertEquals("alice", key.substring(key.indexOf('{') + 1, key.indexOf('}')), key);
            if (send(Request.cmd(Command.EXISTS).arg(key)).toLong() == 1) {
                long ttl = send(Request.cmd(Command.PTTL).arg(key)).toLong();
                assertTrue(ttl > 590_000 && ttl <= 600_000, key + " expires in " + ttl + " ms");
            }
        }
    }

    private Response send(Request request) {
        try {
            return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
