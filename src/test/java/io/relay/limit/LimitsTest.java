package io.relay.limit;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Each relay.limits.* answered with the contract's codes and counted. Small limits in this profile. */
@QuarkusTest
@TestProfile(LimitsTest.SmallLimits.class)
class LimitsTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.limits.max-connections-per-user", "2", "relay.limits.max-connections", "6",
                    "relay.limits.publish-rate", "5", "relay.limits.ws-op-rate", "5");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aUserOverItsConnectionCapGets429BeforeTheUpgrade() {
        String user = unique("capped-");
        double before = Metrics.sum("relay_limited_total{limit=\"user_connections\"}");
        try (WsTestClient first = WsTestClient.to(base).token(TestTokens.valid(user)).connect();
                WsTestClient second = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            first.next("welcome");
            second.next("welcome");
            WsTestClient.Refusal refusal = WsTestClient.to(base).token(TestTokens.valid(user)).refused();
            assertEquals(429, refusal.status());
            assertEquals("application/problem+json", refusal.contentType());
            given().header("Authorization", "Bearer " + TestTokens.valid(user)).get("/api/v1/notifications/stream")
                    .then().statusCode(429).header("Retry-After", "1").contentType("application/problem+json");
        }
        assertTrue(Metrics.sum("relay_limited_total{limit=\"user_connections\"}") >= before + 2);
        // once one closes, the user may connect again
        await().atMost(Duration.ofSeconds(10)).until(() -> given().header("Authorization", "Bearer " + TestTokens.valid(user))
                .get("/api/v1/notifications").statusCode() == 200);
    }

    @Test
    void aReplicaAtItsConnectionCapGets429() {
        List<WsTestClient> open = new ArrayList<>();
        try {
            WsTestClient.Refusal refusal = null;
            for (int i = 0; i < 10 && refusal == null; i++) {
                String token = TestTokens.valid(unique("full-"));
                Response probe = given().header("Authorization", "Bearer " + token).get("/api/v1/notifications");
                if (probe.statusCode() == 429) {
                    assertTrue(probe.asString().contains("relay.limits.max-connections"));
                    refusal = WsTestClient.to(base).token(token).refused();
                } else {
                    WsTestClient client = WsTestClient.to(base).token(token).connect();
                    client.next("welcome");
                    open.add(client);
                }
            }
            assertTrue(refusal != null && refusal.status() == 429, "a replica with 6 connections refuses more");
        } finally {
            open.forEach(WsTestClient::close);
        }
    }

    @Test
    void publishesOverTheRatePerKeyGet429WithRetryAfter() {
        String channel = unique("team:rate-");
        Response limited = null;
        for (int i = 0; i < 50 && limited == null; i++) {
            Response response = given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                    .contentType("application/json").body(new JsonObject().put("channel", channel).put("data", i).encode())
                    .post("/api/v1/notifications");
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertTrue(limited != null, "5 per second: 50 at once are not all accepted");
        assertEquals("application/problem+json", limited.contentType());
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        // the limit is per key: the other key still publishes
        given().header("Authorization", "Bearer test-publisher-key-2").contentType("application/json")
                .body(new JsonObject().put("channel", channel).put("data", "other").encode())
                .post("/api/v1/notifications").then().statusCode(202);
        assertTrue(Metrics.sum("relay_publishes_total{outcome=\"rate_limited\"}") >= 1);
    }

    @Test
    void aBatchWithMoreItemsThanTheKeyHasTokensGets429AndPublishesNothing() {
        String channel = unique("team:batch-rate-");
        JsonArray items = new JsonArray();
        for (int i = 0; i < 6; i++) {
            items.add(new JsonObject().put("channel", channel).put("data", i));
        }
        double limited = Metrics.sum("relay_publishes_total{outcome=\"rate_limited\"}");
        Response refused = given().header("Authorization", "Bearer test-publisher-key-2").contentType("application/json")
                .body(new JsonObject().put("notifications", items).encode()).post("/api/v1/notifications/batch");
        assertEquals(429, refused.statusCode(), "5 per second: 6 items at once are more than the key ever holds");
        assertEquals("application/problem+json", refused.contentType());
        assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
        assertEquals(limited + 6, Metrics.sum("relay_publishes_total{outcome=\"rate_limited\"}"), "one per item");
        // nothing of the batch was published: once the key has a token again, a probe is the channel's first
        Response probe = await().atMost(Duration.ofSeconds(5)).until(() -> given()
                .header("Authorization", "Bearer test-publisher-key-2").contentType("application/json")
                .body(new JsonObject().put("channel", channel).put("data", "probe").encode())
                .post("/api/v1/notifications"), response -> response.statusCode() == 202);
        assertEquals(1, probe.jsonPath().getInt("channels[0].offset"));
    }

    @Test
    void webSocketOpsOverTheRateGetAnErrorFrameAndTheConnectionStays() {
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("chatty-"))).connect()) {
            client.next("welcome");
            for (int i = 0; i < 30; i++) {
                client.send(new JsonObject().put("op", "ping"));
            }
            boolean limited = false;
            for (int i = 0; i < 30 && !limited; i++) {
                JsonObject frame = client.next();
                limited = "error".equals(frame.getString("type")) && "rate_limited".equals(frame.getString("code"));
            }
            assertTrue(limited, "30 pings at once exceed 5 per second");
            assertFalse(client.isClosed());
            // within the rate again (one op a second), ops are answered
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                client.send(new JsonObject().put("op", "ping"));
                for (JsonObject frame = client.poll(Duration.ofMillis(500)); frame != null;
                        frame = client.poll(Duration.ofMillis(500))) {
                    if ("pong".equals(frame.getString("type"))) {
                        return true;
                    }
                }
                return false;
            });
        }
        assertTrue(Metrics.sum("relay_limited_total{limit=\"ws_op_rate\"}") >= 1);
    }
}
