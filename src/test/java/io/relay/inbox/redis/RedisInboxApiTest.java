package io.relay.inbox.redis;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisEngineProfile;
import io.relay.inbox.InboxApiTest;

/** The same inbox over HTTP on the Redis engine. */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class RedisInboxApiTest extends InboxApiTest {
}
