package io.relay.publish;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisEngineProfile;

/** The same batches on the Redis engine: items in order, each on its own, bad items write nothing. */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class RedisBatchPublishTest extends BatchPublishTest {
}
