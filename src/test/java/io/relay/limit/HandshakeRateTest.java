package io.relay.limit;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;
import io.relay.TestTokens;
import io.restassured.response.Response;

/** New subscriber requests beyond relay.limits.handshake-rate per second get 429 with Retry-After. */
@QuarkusTest
@TestProfile(HandshakeRateTest.SlowHandshakes.class)
class HandshakeRateTest {

    public static class SlowHandshakes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.limits.handshake-rate", "3");
        }
    }

    @Test
    void requestsOverTheHandshakeRateGet429() {
        double before = Metrics.sum("relay_limited_total{limit=\"handshake_rate\"}");
        Response limited = null;
        for (int i = 0; i < 30 && limited == null; i++) {
            Response response = given().header("Authorization", "Bearer " + TestTokens.valid(unique("hs-")))
                    .get("/api/v1/notifications");
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertTrue(limited != null, "3 per second: 30 at once are not all admitted");
        assertEquals("application/problem+json", limited.contentType());
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        assertTrue(Metrics.sum("relay_limited_total{limit=\"handshake_rate\"}") > before);
    }
}
