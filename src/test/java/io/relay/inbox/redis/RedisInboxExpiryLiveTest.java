package io.relay.inbox.redis;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisTestResource;
import io.relay.inbox.InboxExpiryLiveTest;

/** The same on the Redis engine, which has no sweep of its own: the replica drops its connected users' expired items. */
@QuarkusTest
@TestProfile(RedisInboxExpiryLiveTest.FastSweepOnRedis.class)
class RedisInboxExpiryLiveTest extends InboxExpiryLiveTest {

    public static class FastSweepOnRedis extends InboxExpiryLiveTest.FastSweep {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RedisTestResource.class));
        }
    }
}
