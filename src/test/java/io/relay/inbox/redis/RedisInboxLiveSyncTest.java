package io.relay.inbox.redis;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisEngineProfile;
import io.relay.inbox.InboxLiveSyncTest;

/** The same live sync on the Redis engine, where every change comes back over Pub/Sub. */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class RedisInboxLiveSyncTest extends InboxLiveSyncTest {
}
