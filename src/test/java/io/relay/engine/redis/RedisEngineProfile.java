package io.relay.engine.redis;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The Redis engine with default settings, on its own redis-server; tests that share it share one start. */
public class RedisEngineProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RedisTestResource.class));
    }
}
