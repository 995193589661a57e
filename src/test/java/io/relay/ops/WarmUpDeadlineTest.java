package io.relay.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;

/** A warm-up that cannot finish in relay.warm-up.max-duration: not ready until then, ready after, and nothing left open. */
@QuarkusTest
@TestProfile(WarmUpDeadlineTest.EndlessWarmUp.class)
class WarmUpDeadlineTest {

    public static class EndlessWarmUp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.warm-up.enabled", "true", "relay.warm-up.connections", "10",
                    "relay.warm-up.publishes", "100000000", "relay.warm-up.max-duration", "8s");
        }
    }

    @Test
    void isNotReadyWhileWarmingUpAndReadyAtTheDeadline() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'engine' }.data.warmed-up", equalTo(false));
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.sum("relay_connections{transport=\"websocket\"}") == 0);
    }
}
