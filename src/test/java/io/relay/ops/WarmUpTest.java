package io.relay.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;

/**
 * The start-up warm-up: readiness is UP only once it is over, it publishes and delivers through real
 * WebSockets on the serving code, and it leaves nothing in the replica: no metric, no history, no
 * connection.
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

    @Inject
    WarmUp warmUp;

    @Test
    void leavesEveryRelayMetricAtZero() {
        awaitReady();
        assertEquals(List.of(), nonZeroRelayMetrics());
    }

    @Test
    void reportsReadyOnceWarmedUpHavingPublishedAndDeliveredThroughEveryConnection() {
        awaitReady();
        given().get("/q/health/ready").then().body("checks.find { it.name == 'engine' }.data.warmed-up", equalTo(true));

        // the first round at least: every connection had every broadcast, and one per-user publish each in turn
        WarmUp.Report report = warmUp.report();
        int broadcasts = PUBLISHES / WarmUpLoad.BROADCAST_EVERY;
        assertEquals(CONNECTIONS, report.connections());
        assertTrue(report.accepted() >= PUBLISHES + broadcasts, report.toString());
        assertTrue(report.framesReceived() >= (long) CONNECTIONS * broadcasts + PUBLISHES, report.toString());
    }

    @Test
    void leavesNothingInTheReplicasChannels() {
        awaitReady();
        for (String channel : List.of(WarmUpLoad.BROADCAST, "user:" + WarmUpLoad.USER_PREFIX + "0")) {
            given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                    .get("/api/v1/channels/" + channel + "/history?limit=10")
                    .then().statusCode(200).body("notifications", empty());
        }
    }

    static void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    /** Every relay_* sample (counters, gauges, the histogram's count) that is not 0. */
    static List<String> nonZeroRelayMetrics() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("relay_"))
                .filter(line -> !line.contains("_bucket{") && !line.contains("_seconds_max"))
                .filter(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) != 0)
                .toList();
    }
}
