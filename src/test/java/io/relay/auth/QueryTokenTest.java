package io.relay.auth;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.TestTokens;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;

/** With {@code relay.auth.query-token=true}, every transport takes the token from {@code access_token}. */
@QuarkusTest
@TestProfile(QueryTokenTest.QueryTokenOn.class)
class QueryTokenTest {

    public static class QueryTokenOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.auth.query-token", "true");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void everyTransportAcceptsTheQueryToken() throws Exception {
        String user = unique("query-");
        String token = TestTokens.valid(user);
        try (WsTestClient client = WsTestClient.to(base).query("access_token", token).connect()) {
            assertEquals(user, client.next("welcome").getString("user"));
        }
        try (SseTestClient stream = SseTestClient.open(base, "/api/v1/notifications/stream?access_token=" + token)) {
            assertEquals(user, stream.next("welcome").json().getString("user"));
        }
        given().queryParam("access_token", token).get("/api/v1/notifications").then().statusCode(200);
        given().queryParam("access_token", token).queryParam("timeout", 1).get("/api/v1/notifications/long-poll")
                .then().statusCode(200);
    }

    @Test
    void theHeaderStillWinsAndABadQueryTokenIsRefused() {
        given().header("Authorization", "Bearer " + TestTokens.valid(unique("header-")))
                .queryParam("access_token", "not-a-jwt").get("/api/v1/notifications").then().statusCode(200);
        given().queryParam("access_token", TestTokens.expired("alice")).get("/api/v1/notifications").then().statusCode(401);
    }
}
