package io.relay.publish;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.engine.redis.RedisEngineProfile;

/** The same publishes to users on the Redis engine: 1,000 channels in one script call, bad input writes nothing. */
@QuarkusTest
@TestProfile(RedisEngineProfile.class)
class RedisPublishToUsersTest extends PublishToUsersTest {
}
