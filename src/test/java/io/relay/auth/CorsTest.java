package io.relay.auth;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;

/**
 * Browsers on an origin in {@code relay.auth.allowed-origins} (test profile: https://app.example.com)
 * may read the subscriber's HTTP endpoints with credentials; any other origin gets no grant.
 */
@QuarkusTest
class CorsTest {

    private static final String ALLOWED = "https://app.example.com";
    private static final String FOREIGN = "https://evil.example.net";

    @io.quarkus.test.common.http.TestHTTPResource("/")
    java.net.URI base;

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/notifications", "/api/v1/notifications/long-poll", "/api/v1/notifications/stream" })
    void answersAPreflightFromAnAllowedOrigin(String path) {
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,last-event-id")
                .options(path).then().statusCode(204)
                .header("Access-Control-Allow-Origin", ALLOWED)
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", "GET")
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Headers", containsString("Last-Event-ID"))
                .header("Vary", containsString("Origin"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/api/v1/notifications", "/api/v1/notifications/long-poll", "/api/v1/notifications/stream" })
    void refusesAPreflightFromAForeignOrigin(String path) {
        given().header("Origin", FOREIGN).header("Access-Control-Request-Method", "GET")
                .options(path).then().statusCode(403).contentType("application/problem+json")
                .header("Access-Control-Allow-Origin", nullValue())
                .header("Access-Control-Allow-Credentials", nullValue());
    }

    @Test
    void grantsACredentialedRequestFromAnAllowedOrigin() {
        given().header("Origin", ALLOWED).cookie("relay_token", TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(200)
                .header("Access-Control-Allow-Origin", ALLOWED)
                .header("Access-Control-Allow-Credentials", "true");
    }

    @Test
    void exposesRetryAfterAndWwwAuthenticateSoAPageCanBackOffAndRefreshItsToken() {
        given().header("Origin", ALLOWED).get("/api/v1/notifications").then().statusCode(401)
                .header("Access-Control-Expose-Headers", containsString("Retry-After"))
                .header("Access-Control-Expose-Headers", containsString("WWW-Authenticate"));
    }

    @Test
    void refusesACookieSentByAForeignOriginsPage() {
        given().header("Origin", FOREIGN).cookie("relay_token", TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(403).contentType("application/problem+json")
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void acceptsACookieWithoutOriginAsBrowsersSendOnSameOriginReads() {
        given().cookie("relay_token", TestTokens.valid(unique("cors-"))).get("/api/v1/notifications")
                .then().statusCode(200).header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void givesAForeignOriginNoGrantEvenWithAValidBearerToken() {
        given().header("Origin", FOREIGN).header("Authorization", "Bearer " + TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void errorsCarryTheGrantSoTheAllowedPageCanReadThem() {
        given().header("Origin", ALLOWED).get("/api/v1/notifications").then().statusCode(401)
                .header("Access-Control-Allow-Origin", ALLOWED)
                .body("status", equalTo(401));
    }

    @Test
    void leavesThePublishEndpointToPublishers() {
        given().header("Origin", ALLOWED).header("Access-Control-Request-Method", "POST")
                .options("/api/v1/notifications").then()
                .header("Access-Control-Allow-Methods", "GET");
    }
    /** Origins no browser page has a grant for: sandboxed or file pages, paths, lists, garbage. */
    static java.util.stream.Stream<String> unparseableOrigins() {
        return java.util.stream.Stream.of("null", "file://", "https://app.example.com/path",
                "https://app.example.com, https://evil.example.net", "https://app.example.com https://app.example.com",
                "garbage", "http://[::1", "https://", "%zz");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("unparseableOrigins")
    void refusesACookieSentWithAnUnparseableOrigin(String origin) {
        given().header("Origin", origin).cookie("relay_token", TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(403).contentType("application/problem+json")
                .body("status", equalTo(403))
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("unparseableOrigins")
    void answersABearerRequestFromASandboxedPageWithoutAGrant(String origin) {
        given().header("Origin", origin).header("Authorization", "Bearer " + TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(200)
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("unparseableOrigins")
    void refusesAPreflightFromAnUnparseableOrigin(String origin) {
        given().header("Origin", origin).header("Access-Control-Request-Method", "GET")
                .options("/api/v1/notifications/stream").then().statusCode(403).contentType("application/problem+json")
                .header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theOwnOriginMustHaveTheRequestsScheme() {
        String authority = base.getHost() + ":" + base.getPort();
        given().header("Origin", "https://" + authority).cookie("relay_token", TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(403).contentType("application/problem+json");
        given().header("Origin", "http://" + authority).cookie("relay_token", TestTokens.valid(unique("cors-")))
                .get("/api/v1/notifications").then().statusCode(200);
    }
}
