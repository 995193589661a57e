package io.relay.metrics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Metrics;
import io.relay.Publisher;
import io.relay.RelayTestSupport;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

@QuarkusTest
class RelayMetricsTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void exposesRelayMetricsForPrometheus() {
        String user = RelayTestSupport.unique("metrics-");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            client.next("welcome");
            new Publisher(base).publish("user:" + user, new JsonObject());
            client.next("notification");
            RelayTestSupport.publisher().body("{}").post("/api/v1/notifications").then().statusCode(400);
            given().get("/q/metrics").then().statusCode(200)
                    .body(containsString("relay_connections{transport=\"websocket\"}"))
                    .body(containsString("relay_publishes_total{outcome=\"accepted\"}"))
                    .body(containsString("relay_publishes_total{outcome=\"invalid\"}"))
                    .body(containsString("relay_deliveries_total{transport=\"websocket\"}"))
                    .body(containsString("relay_slow_consumer_closes_total"))
                    .body(containsString("relay_publish_to_write_seconds_bucket"));
        }
    }

    @Test
    void countsAuthFailuresByReason() {
        String expired = "relay_auth_failures_total{reason=\"expired\"}";
        String invalid = "relay_auth_failures_total{reason=\"invalid\"}";
        double expiredBefore = Metrics.sum(expired);
        double invalidBefore = Metrics.sum(invalid);

        WsTestClient.to(base).token(TestTokens.expired("late")).refused();
        assertEquals(expiredBefore + 1, Metrics.sum(expired));
        assertEquals(invalidBefore, Metrics.sum(invalid));

        WsTestClient.to(base).token(TestTokens.signedWith("another-secret-0123456789-abcdefghijklmnop", "forger")).refused();
        assertEquals(expiredBefore + 1, Metrics.sum(expired));
        assertEquals(invalidBefore + 1, Metrics.sum(invalid));
    }
}
