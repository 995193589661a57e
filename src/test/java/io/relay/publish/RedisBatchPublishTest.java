package io.relay.publish;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The same batches on the Redis engine: items in order, each on its own, bad items write nothing. */
@QuarkusTest
@TestProfile(RedisPublishValidationTest.RedisEngine.class)
class RedisBatchPublishTest extends BatchPublishTest {
}
