package io.relay.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;
import io.relay.TestTokens;

/**
 * The start-up warm-up, on the real routes: readiness is UP only once it is over, it publishes and
 * delivers through the engine and real WebSockets, and it leaves no connection behind.
 */
@QuarkusTest
@TestProfile(WarmUpTest.SmallWarmUp.class)
class WarmUpTest {

    static final int CONNECTIONS = 20;
    static final int PUBLISHES = 400;

    public static class SmallWarmUp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.warm-up.enabled", "true", "relay.warm-up.connections", Integer.toString(CONNECTIONS),
                    "relay.warm-up.publishes", Integer.toString(PUBLISHES), "relay.warm-up.max-duration", "10s");
        }
    }

    @Test
    void reportsReadyOnceWarmedUpHavingPublishedAndDeliveredThroughEveryConnection() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().body("checks.find { it.name == 'engine' }.data.warmed-up", equalTo(true));

        // the first round at least: every connection had every broadcast, and one per-user publish each in turn
        int broadcasts = PUBLISHES / WarmUpLoad.BROADCAST_EVERY;
        assertTrue(Metrics.sum("relay_publishes_total{outcome=\"accepted\"}") >= PUBLISHES + broadcasts);
        assertTrue(Metrics.sum("relay_deliveries_total{transport=\"websocket\"}") >= (double) CONNECTIONS * broadcasts + PUBLISHES);
        given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + WarmUpLoad.BROADCAST + "/history?limit=1")
                .then().statusCode(200).body("notifications[0].event", equalTo("warm-up"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.sum("relay_connections{transport=\"websocket\"}") == 0);
    }

    @Test
    void everyBodyShapeTheWarmUpSendsIsAValidPublish() {
        for (int n = 0; n < 8; n++) {
            given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY).contentType("application/json")
                    .body(WarmUpLoad.body("warm-up-shapes", n)).post("/api/v1/notifications")
                    .then().statusCode(202);
        }
    }
}
