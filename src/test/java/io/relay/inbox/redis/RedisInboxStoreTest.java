package io.relay.inbox.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.relay.engine.redis.LocalRedis;
import io.relay.engine.redis.RedisFanout;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxStore;
import io.relay.inbox.InboxStoreContractTest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** The inbox contract against a real redis-server, and what the keys of a user look like there. */
class RedisInboxStoreTest extends InboxStoreContractTest {

    @RegisterExtension
    static final LocalRedis LOCAL = new LocalRedis();
    private Redis redis;
    private RedisFanout fanout;

    @Override
    protected InboxStore create(int maxItems) {
        if (redis != null) {
            redis.close();
        }
        if (fanout != null) {
            fanout.close();
        }
        redis = LOCAL.emptiedClient();
        fanout = new RedisFanout(redis, LOCAL.vertx(), notification -> {
        }, WAIT);
        return new RedisInboxStore(redis, fanout, clock, maxItems);
    }

    @AfterEach
    void closeClient() {
        fanout.close();
        fanout = null;
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
        // a store renews the keys' expiry for an hour past the last item, so that the next stores need not
        assertKeysExpireWithin("alice", 600_000, 600_000 + 3_600_000);
        store.store(List.of("alice"), new InboxEntry("n-sooner", null, "1", now, now.plusSeconds(300))).await().atMost(WAIT);
        assertKeysExpireWithin("alice", 600_000, 600_000 + 3_600_000);
        // any other change sets it to the last item's expiry exactly
        store.update("alice", "n-slot", true, null).await().atMost(WAIT);
        assertKeysExpireWithin("alice", 590_000, 600_000);
        store.delete("alice", "n-slot").await().atMost(WAIT);
        assertKeysExpireWithin("alice", 290_000, 300_000);
    }

    private void assertKeysExpireWithin(String user, long least, long most) {
        for (String key : RedisInboxStore.keys(user)) {
            // Redis Cluster hashes only what is between the first { and the next }
            assertEquals(user, key.substring(key.indexOf('{') + 1, key.indexOf('}')), key);
            if (send(Request.cmd(Command.EXISTS).arg(key)).toLong() == 1) {
                long ttl = send(Request.cmd(Command.PTTL).arg(key)).toLong();
                assertTrue(ttl > least - 10_000 && ttl <= most, key + " expires in " + ttl + " ms");
            }
        }
    }

    private Response send(Request request) {
        return LocalRedis.send(redis, request);
    }
}
