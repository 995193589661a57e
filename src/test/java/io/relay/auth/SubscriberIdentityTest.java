package io.relay.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.relay.transport.ws.WsTestClient;

/**
 * A token whose {@code sub} cannot name a personal channel (here: empty, which once named {@code user:})
 * is refused with 401 and {@code WWW-Authenticate: Bearer} on every transport, before anything starts.
 */
@QuarkusTest
class SubscriberIdentityTest {

    private static final String EMPTY_SUB = TestTokens.valid("");

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/notifications", "/api/v1/notifications/long-poll?timeout=1",
            "/api/v1/notifications/stream" })
    void httpTransportsRefuseATokenWithAnEmptySub(String path) {
        given().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 10_000))) // an accepted stream would never end
                .header("Authorization", "Bearer " + EMPTY_SUB).get(path).then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401));
    }

    @Test
    void webSocketRefusesATokenWithAnEmptySubBeforeTheUpgrade() {
        WsTestClient.Refusal refusal = WsTestClient.to(base).token(EMPTY_SUB).refused();
        assertEquals(401, refusal.status());
        assertEquals("application/problem+json", refusal.contentType());
        assertTrue(refusal.wwwAuthenticate().startsWith("Bearer"), refusal.wwwAuthenticate());
    }
}
