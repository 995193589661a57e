package io.relay.ops;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.RelayTestSupport;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

/**
 * Once a replica closes its subscribers at the end of the drain, it refuses new ones (503, retry
 * elsewhere) and closes the open ones with 1001, while publishes still land. Its own app instance:
 * it ends in the closing state.
 */
@QuarkusTest
@TestProfile(ClosingTest.OwnInstance.class)
class ClosingTest {

    public static class OwnInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.shutdown.drain-delay", "0s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Shutdown shutdown;

    @Test
    void afterTheDrainNewSubscribersAreRefusedAndOpenOnesClosed() {
        try (WsTestClient open = WsTestClient.to(base).token(TestTokens.valid("staying")).connect()) {
            open.next("welcome");
            shutdown.closeSubscribers();
            assertEquals(1001, open.closeCode());
        }
        WsTestClient.Refusal refusal = WsTestClient.to(base).token(TestTokens.valid("late")).refused();
        assertEquals(503, refusal.status());
        assertEquals("https://relay.dev/problems/shutting-down", new JsonObject(refusal.body()).getString("type"));
        given().header("Authorization", "Bearer " + TestTokens.valid("late")).get("/api/v1/notifications/stream")
                .then().statusCode(503).header("Retry-After", "1");
        given().get("/q/health/ready").then().statusCode(503);
        RelayTestSupport.publisher().body(new JsonObject().put("channel", "broadcast").put("data", 1).encode())
                .post("/api/v1/notifications").then().statusCode(202);
    }
}
