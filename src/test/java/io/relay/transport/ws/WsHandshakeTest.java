package io.relay.transport.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.relay.ClientCursor;
import io.relay.Metrics;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/** Every refusal happens before the upgrade, with a status and a problem body: never a 101 then a close. */
@QuarkusTest
class WsHandshakeTest {

    @TestHTTPResource("/")
    URI base;

    /** websockets-next's count of the connections it opened (and ran @OnOpen for). */
    private static final String OPENED = "quarkus_websockets_server_connections_opened_total";

    @Inject
    OpenConnections openConnections;

    @Test
    void acceptsATokenInTheAuthorizationHeader() {
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid("alice")).connect()) {
            JsonObject welcome = client.next("welcome");
            assertEquals("alice", welcome.getString("user"));
            assertEquals("user:alice", welcome.getJsonArray("channels").getJsonObject(0).getString("channel"));
            assertEquals(3000, welcome.getLong("heartbeat"), "the test profile's relay.ws.ping-interval, in ms");
        }
    }

    @Test
    void acceptsATokenOfferedAsSubprotocolAndSelectsRelayV1() {
        try (WsTestClient client = WsTestClient.to(base)
                .subprotocols("relay.v1", "relay.bearer." + TestTokens.valid("bob")).connect()) {
            assertEquals("relay.v1", client.subprotocol());
            assertEquals("bob", client.next("welcome").getString("user"));
        }
    }

    @Test
    void acceptsACookieFromAnAllowedOrigin() {
        try (WsTestClient client = WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("carol"))
                .header("Origin", "https://app.example.com").connect()) {
            assertEquals("carol", client.next("welcome").getString("user"));
        }
    }

    @Test
    void acceptsACookieFromTheRelaysOwnOrigin() {
        try (WsTestClient client = WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("dave"))
                .header("Origin", "http://" + base.getHost() + ":" + base.getPort()).connect()) {
            assertEquals("dave", client.next("welcome").getString("user"));
        }
    }

    @Test
    void refusesACookieFromAForeignOrigin() {
        WsTestClient.Refusal refusal = WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("carol"))
                .header("Origin", "https://evil.example.net").refused();
        assertProblem(refusal, 403);
    }

    @Test
    void refusesACookieFromTheRelaysHostOverAnotherScheme() {
        assertProblem(WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("dave"))
                .header("Origin", "https://" + base.getHost() + ":" + base.getPort()).refused(), 403);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("io.relay.auth.CorsTest#unparseableOrigins")
    void refusesACookieWithAnUnparseableOrigin(String origin) {
        assertProblem(WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("carol"))
                .header("Origin", origin).refused(), 403);
    }

    @Test
    void acceptsABearerTokenFromASandboxedPage() {
        try (WsTestClient client = WsTestClient.to(base).header("Origin", "null")
                .subprotocols("relay.v1", "relay.bearer." + TestTokens.valid("sandboxed")).connect()) {
            assertEquals("sandboxed", client.next("welcome").getString("user"));
        }
    }

    @Test
    void refusesACookieWithoutOrigin() {
        assertProblem(WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("carol")).withoutOrigin()
                .refused(), 403);
    }

    @Test
    void refusesAMalformedCursor() {
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice")).query("cursor", "not-a-cursor").refused(), 400);
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice")).query("cursor", "A".repeat(5000)).refused(), 400);
    }

    @Test
    void refusesACursorNamingAChannelTheTokenDoesNotGrant() {
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice"))
                .query("cursor", ClientCursor.at("team:secret", "abc", 3)).refused(), 403);
    }

    @Test
    void refusesAMissingToken() {
        WsTestClient.Refusal refusal = WsTestClient.to(base).refused();
        assertProblem(refusal, 401);
        assertEquals("Bearer realm=\"relay\"", refusal.wwwAuthenticate());
    }

    @Test
    void ignoresAQueryTokenUnlessEnabled() {
        assertProblem(WsTestClient.to(base).query("access_token", TestTokens.valid("alice")).refused(), 401);
    }

    @Test
    void refusesAnExpiredToken() {
        WsTestClient.Refusal refusal = WsTestClient.to(base).token(TestTokens.expired("alice")).refused();
        assertProblem(refusal, 401);
        assertTrue(refusal.wwwAuthenticate().contains("invalid_token"));
    }

    @Test
    void refusesAWronglySignedToken() {
        assertProblem(WsTestClient.to(base)
                .token(TestTokens.signedWith("some-other-secret-0123456789-abcdefghij", "alice")).refused(), 401);
    }

    @Test
    void refusesAlgNone() {
        assertProblem(WsTestClient.to(base).token(TestTokens.unsigned("alice")).refused(), 401);
    }

    @Test
    void refusesAForbiddenChannel() {
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice")).channel("secret").refused(), 403);
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice")).channel("user:bob").refused(), 403);
    }

    @Test
    void refusesAnInvalidChannelName() {
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("alice")).channel("no spaces").refused(), 400);
    }

    @Test
    void refusesTooManyChannels() {
        WsTestClient.Builder builder = WsTestClient.to(base).token(TestTokens.valid("alice", "c*"));
        for (int i = 0; i < 100; i++) {
            builder.channel("c" + i);
        }
        assertProblem(builder.refused(), 400);
    }

    @Test
    void aPlainGetIsToldToUpgrade() {
        io.restassured.RestAssured.given().get("/ws").then().statusCode(426)
                .contentType("application/problem+json");
    }

    /** Handshakes of other WebSocket drafts, or over HTTP/1.0, each with a valid token. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> otherProtocols() {
        String token = "Authorization: Bearer " + TestTokens.valid("legacy") + "\r\n";
        String rfc6455 = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + token;
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("hixie-76", "GET /ws HTTP/1.1\r\nHost: relay\r\n"
                        + "Upgrade: WebSocket\r\nConnection: Upgrade\r\nOrigin: http://relay\r\n"
                        + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\nSec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
                        + token + "Content-Length: 8\r\n\r\n^n:ds[4U"),
                org.junit.jupiter.params.provider.Arguments.of("hybi-07", "GET /ws HTTP/1.1\r\nHost: relay\r\n" + rfc6455 + "Sec-WebSocket-Version: 7\r\n\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("hybi-10", "GET /ws HTTP/1.1\r\nHost: relay\r\n" + rfc6455 + "Sec-WebSocket-Version: 8\r\n\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("version 14", "GET /ws HTTP/1.1\r\nHost: relay\r\n" + rfc6455 + "Sec-WebSocket-Version: 14\r\n\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("no version", "GET /ws HTTP/1.1\r\nHost: relay\r\n" + rfc6455 + "\r\n"),
                org.junit.jupiter.params.provider.Arguments.of("HTTP/1.0", "GET /ws HTTP/1.0\r\nHost: relay\r\n" + rfc6455 + "Sec-WebSocket-Version: 13\r\n\r\n"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("otherProtocols")
    void answersOtherProtocolsWith426NamingVersion13(String protocol, String handshake) throws java.io.IOException {
        String head = RawPeer.handshake(base, handshake);
        assertTrue(head.matches("(?s)HTTP/1\\.[01] 426 .*"), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\nsec-websocket-version: 13\r\n"), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("\r\ncontent-type: application/problem+json"), head);
    }

    @Test
    void aRefusedUpgradeCanBeRetriedOnTheSameConnection() throws java.io.IOException {
        // Connection: keep-alive instead of Upgrade: refused after the handshake began, the connection stays open
        String handshake = "GET /ws HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer "
                + TestTokens.valid("again") + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
            for (int attempt = 1; attempt <= 2; attempt++) {
                socket.getOutputStream().write(handshake.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String head = readResponse(in);
                assertTrue(head.startsWith("HTTP/1.1 400"), "attempt " + attempt + ": " + head);
            }
        }
    }

    /** Reads one response (head and its Content-Length body); returns the head. */
    private static String readResponse(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.skipNBytes(Long.parseLong(length.group(1)));
        }
        return head.toString();
    }

    @Test
    void subscribesToGrantedAndPublicChannelsAtConnect() {
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid("erin", "team:*"))
                .channel("team:ops").channel("broadcast").connect()) {
            JsonObject welcome = client.next("welcome");
            assertEquals(3, welcome.getJsonArray("channels").size());
            JsonObject team = welcome.getJsonArray("channels").getJsonObject(1);
            assertEquals("team:ops", team.getString("channel"));
            assertTrue(team.getBoolean("recovered"));
            assertTrue(team.containsKey("epoch") && team.containsKey("offset"));
        }
    }

    @Test
    void aRefusedHandshakeNeverOpensAConnection() {
        double opened = Metrics.sum(OPENED);
        assertProblem(WsTestClient.to(base).token(TestTokens.expired("late")).refused(), 401);
        assertProblem(WsTestClient.to(base).header("Cookie", "relay_token=" + TestTokens.valid("carol"))
                .header("Origin", "https://evil.example.net").refused(), 403);
        assertProblem(WsTestClient.to(base).token(TestTokens.valid("eve")).channel("not a channel").refused(), 400);
        // refused before the upgrade: websockets-next opened no connection, so no @OnOpen ran
        assertEquals(opened, Metrics.sum(OPENED));
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid("eve")).connect()) {
            client.next("welcome");
            assertEquals(opened + 1, Metrics.sum(OPENED), "the counter counts what it should");
        }
    }

    @Test
    void aConnectionKeepsNoCredentialOfItsHandshake() {
        String bearer = TestTokens.valid("frank");
        String cookie = TestTokens.valid("frank");
        String offered = TestTokens.valid("frank");
        try (WsTestClient client = WsTestClient.to(base).token(bearer).header("Cookie", "relay_token=" + cookie)
                .subprotocols("relay.v1", "relay.bearer." + offered).connect()) {
            assertEquals("frank", client.next("welcome").getString("user"));
            WebSocketConnection connection = openConnections.stream()
                    .filter(open -> open.handshakeRequest().headers().toString().contains("relay.v1")).findFirst().orElseThrow();
            String kept = connection.handshakeRequest().headers().toString() + connection.handshakeRequest().query();
            for (String credential : List.of(bearer, cookie, offered)) {
                assertFalse(kept.contains(credential.substring(credential.lastIndexOf('.') + 1)), "a token's signature in " + kept);
            }
            assertNull(connection.handshakeRequest().header("Authorization"));
            assertNull(connection.handshakeRequest().header("Cookie"));
            assertEquals("relay.v1", connection.handshakeRequest().header("Sec-WebSocket-Protocol"));
            assertNull(connection.userData().get(WsUpgradeCheck.UPGRADE), "the accepted handshake was taken on open");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "POST", "PUT", "PATCH", "DELETE" })
    void anotherMethodThanGetIsNotAllowed(String method) {
        io.restassured.RestAssured.given().request(method, "/ws").then().statusCode(405)
                .contentType("application/problem+json").header("Allow", "GET");
    }

    private static void assertProblem(WsTestClient.Refusal refusal, int status) {
        assertEquals(status, refusal.status());
        assertEquals("application/problem+json", refusal.contentType());
        JsonObject body = new JsonObject(refusal.body());
        assertEquals(status, body.getInteger("status"));
        assertTrue(body.getString("detail").length() > 0);
        if (status != 401) {
            assertNull(refusal.wwwAuthenticate());
        }
    }
}
