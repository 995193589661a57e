package io.relay.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.relay.ClientCursor;
import io.relay.RelayProcess;
import io.relay.TestTokens;
import io.relay.engine.redis.RedisServer;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

/**
 * A rolling restart, as a black box: a replica on the Redis engine gets SIGTERM while it holds a
 * WebSocket, an SSE stream and a long-poll and takes a stream of publishes. It drains (readiness DOWN,
 * still serving), closes and ends its subscribers, exits cleanly, and every publish it answered 202 is
 * in Redis for the subscribers to resume from on another replica, recovered.
 */
class GracefulShutdownIT {

    private static final String KEY = "it-drain-publisher-key";
    private static final int HISTORY_SIZE = 1000;
    private static final long PUBLISH_INTERVAL_MS = 10;
    private static final String SECRET = "it-drain-hmac-secret-0123456789-abcdefghij";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aDrainingReplicaLosesNoAcceptedPublishAndItsSubscribersResumeElsewhere() throws Exception {
        try (RedisServer redis = RedisServer.start();
                RelayProcess leaving = RelayProcess.start(env(redis, "2s"));
                RelayProcess staying = RelayProcess.start(env(redis, "2s"))) {
            leaving.awaitReady();
            staying.awaitReady();
            String user = "drain-user";
            String channel = "user:" + user;
            String token = TestTokens.sign(TestTokens.claims(user), SECRET);
            Set<Long> accepted = ConcurrentHashMap.newKeySet();
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicBoolean terminated = new AtomicBoolean();
            AtomicInteger acceptedAfterSigterm = new AtomicInteger();
            List<String> publishFailures = new CopyOnWriteArrayList<>();
            try (WsTestClient ws = WsTestClient.to(leaving.base()).token(token).connect();
                    SseTestClient sse = SseTestClient.open(leaving.base(), "/api/v1/notifications/stream",
                            "Authorization", "Bearer " + token)) {
                ws.next("welcome");
                String start = sse.next("welcome").id();
                CompletableFuture<HttpResponse<String>> longPoll = HTTP.sendAsync(HttpRequest.newBuilder(leaving.base()
                        .resolve("/api/v1/notifications/long-poll?timeout=60&cursor=" + start))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                // publishes to the leaving replica until it stops taking connections
                CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
                    for (int n = 0; publishing.get(); n++) {
                        boolean afterSigterm = terminated.get();
                        try {
                            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(leaving.base()
                                    .resolve("/api/v1/notifications")).timeout(Duration.ofSeconds(5))
                                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", channel)
                                            .put("data", new JsonObject().put("n", n)).encode())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() != 202) {
                                publishFailures.add(response.statusCode() + " " + response.body());
                                continue;
                            }
                            accepted.add(new JsonObject(response.body()).getJsonArray("channels").getJsonObject(0)
                                    .getLong("offset"));
                            if (afterSigterm) {
                                acceptedAfterSigterm.incrementAndGet();
                            }
                            // paced: everything published during the drain (a few seconds) must stay within the
                            // channel's HISTORY_SIZE, or the subscriber's resume could not be recovered
                            Thread.sleep(PUBLISH_INTERVAL_MS);
                        } catch (IOException gone) {
                            if (!terminated.get()) {
                                publishFailures.add("before SIGTERM: " + gone);
                            }
                            return; // the replica is gone
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() >= 5);
                JsonObject lastSeen = ws.next("notification");

                terminated.set(true);
                leaving.process().destroy();
                await().atMost(Duration.ofSeconds(5)).until(() -> leaving.readiness() == 503);
                assertFalse(ws.isClosed(), "draining: still serving its subscribers");
                assertEquals(1001, ws.closeCode());
                assertEquals(1001, skipToClose(sse).getInteger("code"));
                sse.awaitEnd();
                assertEquals(200, longPoll.get(10, TimeUnit.SECONDS).statusCode());
                assertEquals(143, leaving.awaitExit(), "exits by SIGTERM, cleanly, within the grace period");
                publishing.set(false);
                publisher.get(10, TimeUnit.SECONDS);
                assertTrue(publishFailures.isEmpty(), "every publish is answered 202 until the replica stops listening; "
                        + publishFailures.size() + " were not, the first: " + publishFailures.stream().findFirst().orElse(""));
                assertTrue(acceptedAfterSigterm.get() > 0, "a draining replica still takes publishes");

                // every publish answered 202 is retained; the subscriber resumes elsewhere, recovered
                String cursor = ClientCursor.at(channel, lastSeen.getString("epoch"), lastSeen.getLong("offset"));
                JsonObject history = new JsonObject(HTTP.send(HttpRequest.newBuilder(staying.base()
                        .resolve("/api/v1/channels/" + channel + "/history?limit=1000")).header("Authorization", "Bearer " + KEY)
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                Set<Long> retained = ConcurrentHashMap.newKeySet();
                history.getJsonArray("notifications").forEach(n -> retained.add(((JsonObject) n).getLong("offset")));
                assertTrue(retained.containsAll(accepted), "accepted " + accepted.size() + ", retained " + retained.size());
                long newest = retained.stream().mapToLong(Long::longValue).max().orElseThrow();
                try (WsTestClient again = WsTestClient.to(staying.base()).token(token).query("cursor", cursor).connect()) {
                    assertTrue(again.next("welcome").getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
                    List<JsonObject> replayed = again.notifications((int) (newest - lastSeen.getLong("offset")));
                    assertEquals(LongStream.rangeClosed(lastSeen.getLong("offset") + 1, newest).boxed().toList(),
                            replayed.stream().map(n -> n.getLong("offset")).toList(), "replayed from the cursor, each once, in order");
                    assertTrue(replayed.stream().allMatch(n -> n.getString("epoch").equals(lastSeen.getString("epoch"))));
                    assertNull(again.poll(Duration.ofMillis(300)), "nothing after the newest");
                }
            }
        }
    }

    private static JsonObject skipToClose(SseTestClient sse) throws InterruptedException {
        SseTestClient.Event event = sse.next();
        while (!event.event().equals("close")) {
            event = sse.next();
        }
        return event.json();
    }

    private static Map<String, String> env(RedisServer redis, String drain) {
        return RelayProcess.env("RELAY_ENGINE", "redis", "QUARKUS_REDIS_HOSTS", redis.url(), "RELAY_PUBLISHER_KEYS", KEY,
                "RELAY_AUTH_HMAC_SECRET", SECRET, "RELAY_SHUTDOWN_DRAIN_DELAY", drain,
                "RELAY_HISTORY_SIZE", Integer.toString(HISTORY_SIZE));
    }

}
