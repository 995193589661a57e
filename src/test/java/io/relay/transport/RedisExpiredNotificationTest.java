package io.relay.transport;

import java.util.Set;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.ShiftedClock;
import io.relay.engine.redis.RedisEngineProfile;

/** The same expiry on the Redis engine: the expiry travels in the stream entry and the fan-out message. */
@QuarkusTest
@TestProfile(RedisExpiredNotificationTest.ShiftedOnRedis.class)
class RedisExpiredNotificationTest extends ExpiredNotificationTest {

    public static class ShiftedOnRedis extends RedisEngineProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ShiftedClock.class);
        }
    }
}
