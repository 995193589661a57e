package io.relay.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.relay.RelayProcess;
import io.relay.TestTokens;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

/**
 * The packaged application as a process: start-up refusals, and shutdown closing WebSockets with 1001,
 * ending SSE streams and answering long-polls.
 */
class PackagedAppIT {

    private static final String PUBLISHER_KEY = "it-publisher-key-7f3a";
    private static final String SECRET = "it-hmac-secret-0123456789-abcdefghijklmnop";

    @Test
    void refusesToStartWithoutCredentialsNamingEachSetting() throws Exception {
        Run run = run(Map.of());
        assertEquals(1, run.exitCode());
        assertTrue(run.output().contains("relay.publisher-keys (env RELAY_PUBLISHER_KEYS) is not set"), run.output());
        assertTrue(run.output().contains("relay.auth.hmac-secret (env RELAY_AUTH_HMAC_SECRET) or relay.auth.public-key-location is not set"));
    }

    @Test
    void refusesTheDevCredentialsOutsideTheDevProfile() throws Exception {
        Run run = run(Map.of("RELAY_PUBLISHER_KEYS", StartupCheck.DEV_PUBLISHER_KEY,
                "RELAY_AUTH_HMAC_SECRET", StartupCheck.DEV_HMAC_SECRET));
        assertEquals(1, run.exitCode());
        assertTrue(run.output().contains("holds the dev key, which only the dev profile accepts"), run.output());
        assertTrue(run.output().contains("is the dev secret, which only the dev profile accepts"));
    }

    @Test
    void refusesTheDemoOutsideTheDevProfile() throws Exception {
        Run run = run(Map.of("RELAY_PUBLISHER_KEYS", PUBLISHER_KEY, "RELAY_AUTH_HMAC_SECRET", SECRET,
                "RELAY_DEMO_ENABLED", "true"));
        assertEquals(1, run.exitCode());
        assertTrue(run.output().contains("relay.demo.enabled (env RELAY_DEMO_ENABLED)"), run.output());
    }

    @Test
    void refusesAShortHmacSecret() throws Exception {
        Run run = run(Map.of("RELAY_PUBLISHER_KEYS", PUBLISHER_KEY, "RELAY_AUTH_HMAC_SECRET", "short"));
        assertEquals(1, run.exitCode());
        assertTrue(run.output().contains("must be at least 32 bytes"), run.output());
        assertFalse(run.output().contains(PUBLISHER_KEY), "keys are never logged");
    }

    @Test
    void shutdownEndsEverySubscriberCleanlyAndNeverLogsSecrets() throws Exception {
        RelayProcess relay = RelayProcess.start(Map.of("RELAY_PUBLISHER_KEYS", PUBLISHER_KEY,
                "RELAY_AUTH_HMAC_SECRET", SECRET, "RELAY_SHUTDOWN_DRAIN_DELAY", "2s"));
        try (relay) {
            URI base = relay.awaitReady().base();
            HttpClient http = HttpClient.newHttpClient();
            String token = TestTokens.sign(TestTokens.claims("it-user"), SECRET);
            try (WsTestClient client = WsTestClient.to(base).token(token).connect();
                    SseTestClient stream = SseTestClient.open(base, "/api/v1/notifications/stream",
                            "Authorization", "Bearer " + token)) {
                client.next("welcome");
                stream.next("welcome");
                HttpResponse<String> published = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/notifications"))
                        .header("Authorization", "Bearer " + PUBLISHER_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", "user:it-user")
                                .put("data", new JsonObject().put("secret", "payload-9d2c")).encode()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, published.statusCode());
                assertEquals(1, client.next("notification").getLong("offset"));
                String cursor = stream.next("notification").id();
                CompletableFuture<HttpResponse<String>> longPoll = http.sendAsync(HttpRequest.newBuilder(
                        base.resolve("/api/v1/notifications/long-poll?timeout=60&cursor=" + cursor))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(
                        base.resolve("/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()
                        .contains("relay_connections{transport=\"long_poll\"} 1.0"));
                relay.process().destroy();
                // draining: not ready at once, still serving the subscribers it has
                await().atMost(Duration.ofSeconds(5)).until(() -> relay.readiness() == 503);
                assertFalse(client.isClosed());
                assertEquals(1001, client.closeCode());
                JsonObject close = stream.next("close").json();
                assertEquals(1001, close.getInteger("code"));
                assertTrue(close.getBoolean("reconnect"));
                stream.awaitEnd();
                HttpResponse<String> answered = longPoll.get(10, TimeUnit.SECONDS);
                assertEquals(200, answered.statusCode());
                JsonObject answer = new JsonObject(answered.body());
                assertEquals(cursor, answer.getString("cursor"), "nothing new: the cursor resumes elsewhere");
                assertEquals(1001, answer.getJsonObject("close").getInteger("code"));
            }
            relay.awaitExit();
            String output = relay.output();
            assertFalse(output.contains(PUBLISHER_KEY), "publisher key in the log");
            assertFalse(output.contains(SECRET), "HMAC secret in the log");
            assertFalse(output.contains("payload-9d2c"), "payload in the log");
            assertFalse(output.contains(token), "token in the log");
        }
    }

    @Test
    void warmsUpBeforeReportingReadyAsShippedAndNeverLogsItsCredentials() throws Exception {
        // the defaults (warm-up on), smaller so the test is quick
        RelayProcess relay = RelayProcess.start(Map.of("RELAY_PUBLISHER_KEYS", PUBLISHER_KEY, "RELAY_AUTH_HMAC_SECRET", SECRET,
                "RELAY_WARM_UP_ENABLED", "true", "RELAY_WARM_UP_CONNECTIONS", "50", "RELAY_WARM_UP_PUBLISHES", "2000",
                "RELAY_SHUTDOWN_DRAIN_DELAY", "0s"));
        try (relay) {
            relay.awaitReady();
            String output = relay.output();
            assertTrue(output.contains("warm-up done in"), output);
            assertTrue(output.contains("50 WebSockets, ") && output.contains(" publishes accepted, 0 failed"), output);
            relay.process().destroy();
            relay.awaitExit();
            assertFalse(relay.output().contains(PUBLISHER_KEY), "publisher key in the log");
            assertFalse(relay.output().contains(SECRET), "HMAC secret in the log");
        }
    }

    @Test
    void logsOneJsonObjectPerLineWhenAskedAndNeverASecret() throws Exception {
        RelayProcess relay = RelayProcess.start(Map.of("RELAY_PUBLISHER_KEYS", PUBLISHER_KEY,
                "RELAY_AUTH_HMAC_SECRET", SECRET, "RELAY_LOG_JSON", "true", "RELAY_SHUTDOWN_DRAIN_DELAY", "0s"));
        try (relay) {
            URI base = relay.awaitReady().base();
            HttpClient http = HttpClient.newHttpClient();
            http.send(HttpRequest.newBuilder(base.resolve("/api/v1/notifications")).header("Authorization", "Bearer wrong-key")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            relay.process().destroy();
            relay.awaitExit();
            List<String> lines = relay.output().lines().toList();
            assertTrue(lines.size() >= 2, "JSON lines from start to stop:\n" + relay.output());
            for (String line : lines) {
                JsonObject record = new JsonObject(line);
                assertTrue(record.containsKey("level") && record.containsKey("message"), line);
                assertFalse(line.contains(PUBLISHER_KEY) || line.contains(SECRET) || line.contains("wrong-key"), line);
            }
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(Map<String, String> env) throws Exception {
        try (RelayProcess relay = RelayProcess.start(env)) {
            int exit = relay.awaitExit();
            return new Run(exit, relay.output());
        }
    }
}
