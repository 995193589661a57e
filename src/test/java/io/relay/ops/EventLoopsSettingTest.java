package io.relay.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;

@QuarkusTest
@TestProfile(EventLoopsSettingTest.ThreeLoops.class)
class EventLoopsSettingTest {

    public static class ThreeLoops implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(EventLoopsPerCpu.PROPERTY, "3");
        }
    }

    @Inject
    Vertx vertx;

    @Test
    void anExplicitSettingWinsOverOneLoopPerCpu() {
        assertEquals(3, EventLoopsTest.eventLoops(vertx));
    }
}
