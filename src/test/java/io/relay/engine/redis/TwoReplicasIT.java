package io.relay.engine.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.relay.engine.redis.ReplicaPair.KEY;
import static io.relay.engine.redis.ReplicaPair.get;
import static io.relay.engine.redis.ReplicaPair.token;
import static io.relay.engine.redis.ReplicaPair.unique;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relay.ClientCursor;
import io.relay.RelayProcess;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

/**
 * Two replicas of the packaged application, as separate processes on their own ports, sharing one
 * real redis-server: they behave as one service.
 */
class TwoReplicasIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ReplicaPair pair;
    private static RedisServer redis;
    private static RelayProcess a;
    private static RelayProcess b;

    @BeforeAll
    static void start() throws Exception {
        pair = ReplicaPair.start();
        redis = pair.redis;
        a = pair.a;
        b = pair.b;
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
    }

    private static int threads(RelayProcess relay) throws Exception {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + relay.process().pid() + "/status")).stream()
                .filter(line -> line.startsWith("Threads:")).mapToInt(line -> Integer.parseInt(line.split("\\s+")[1]))
                .findFirst().orElseThrow();
    }

    private static HttpResponse<String> publish(RelayProcess relay, String channel, int n) throws Exception {
        return ReplicaPair.publish(relay, List.of(channel), n);
    }

    private static JsonObject published(RelayProcess relay, String channel, int n) throws Exception {
        HttpResponse<String> response = publish(relay, channel, n);
        assertEquals(202, response.statusCode(), response.body());
        return new JsonObject(response.body()).getJsonArray("channels").getJsonObject(0);
    }

    @Test
    void aPublishOnOneReplicaReachesSubscribersOfTheOther() throws Exception {
        String user = unique("ab-");
        try (WsTestClient ws = WsTestClient.to(b.base()).token(token(user)).connect()) {
            ws.next("welcome");
            String cursor = new JsonObject(get(b, "/api/v1/notifications", token(user)).body()).getString("cursor");
            CompletableFuture<HttpResponse<String>> longPoll = HTTP.sendAsync(HttpRequest.newBuilder(
                    b.base().resolve("/api/v1/notifications/long-poll?timeout=30&cursor=" + cursor))
                    .header("Authorization", "Bearer " + token(user)).build(), HttpResponse.BodyHandlers.ofString());
            published(a, "user:" + user, 1);
            assertEquals(1, ws.next("notification").getJsonObject("data").getInteger("n"));
            JsonObject answer = new JsonObject(longPoll.get(10, TimeUnit.SECONDS).body());
            assertEquals(1, answer.getJsonArray("notifications").getJsonObject(0).getJsonObject("data").getInteger("n"));
        }
    }

    @Test
    void aRetryOnAnotherReplicaPublishesNothing() throws Exception {
        String channel = unique("team:idem-");
        String key = unique("key-");
        HttpResponse<String> first = publishWithKey(a, channel, key);
        HttpResponse<String> retry = publishWithKey(b, channel, key);
        assertEquals(202, first.statusCode());
        assertEquals(202, retry.statusCode());
        assertEquals(new JsonObject(first.body()), new JsonObject(retry.body()));
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
        JsonObject history = new JsonObject(get(b, "/api/v1/channels/" + channel + "/history", KEY).body());
        assertEquals(1, history.getJsonArray("notifications").size());
    }

    private static HttpResponse<String> publishWithKey(RelayProcess relay, String channel, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(relay.base().resolve("/api/v1/notifications"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", channel)
                        .put("data", new JsonObject().put("n", 1)).encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSubscriberJoiningDuringABurstGetsNoGapAndNoDuplicate() throws Exception {
        String user = unique("burst-");
        String channel = "user:" + user;
        JsonObject first = published(a, channel, 1);
        CompletableFuture<Void> burst = CompletableFuture.runAsync(() -> {
            for (int n = 2; n <= 200; n++) {
                try {
                    published(n % 2 == 0 ? a : b, channel, n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        String cursor = ClientCursor.at(channel, first.getString("epoch"), 0);
        try (WsTestClient ws = WsTestClient.to(b.base()).token(token(user)).query("cursor", cursor).connect()) {
            ws.next("welcome");
            burst.get(60, TimeUnit.SECONDS);
            List<Long> offsets = ws.notifications(200).stream().map(n -> n.getLong("offset")).toList();
            assertEquals(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList(), offsets);
            published(a, channel, 201);
            assertEquals(201, ws.next("notification").getLong("offset"), "nothing twice: the next one follows 200");
        }
    }

    @Test
    void manyPerUserChannelsShareOneRedisConnectionPerReplica() throws Exception {
        int before = connectedClients();
        List<WsTestClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                WsTestClient client = WsTestClient.to(i % 2 == 0 ? a.base() : b.base()).token(token(unique("many-"))).connect();
                clients.add(client);
                client.next("welcome");
            }
            assertTrue(connectedClients() <= before + 4, "100 channels opened Redis connections: " + before + " -> "
                    + connectedClients());
        } finally {
            clients.forEach(WsTestClient::close);
        }
    }

    private static int connectedClients() throws Exception {
        String info = redis.command("INFO", "clients");
        return info.lines().filter(line -> line.startsWith("connected_clients:"))
                .mapToInt(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).trim())).findFirst().orElseThrow();
    }

    @Test
    void aLiveSubscriberFollowsAChannelWhoseHistoryExpired() throws Exception {
        String user = unique("expired-");
        String channel = "user:" + user;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            published(b, channel, 1);
            published(b, channel, 2);
            String epoch = ws.notifications(2).get(1).getString("epoch");
            // what the history TTL does to a silent channel
            redis.command("DEL", "relay:ch:{" + channel + "}:offset", "relay:ch:{" + channel + "}:epoch",
                    "relay:ch:{" + channel + "}:stream");
            JsonObject restarted = published(b, channel, 3);
            JsonObject received = ws.next("notification");
            assertEquals(1, received.getLong("offset"));
            assertEquals(restarted.getString("epoch"), received.getString("epoch"));
            assertFalse(epoch.equals(received.getString("epoch")), "the client sees the epoch change");
        }
    }

    @Test
    void aPositionSeenOnOneReplicaResumesOnTheOther() throws Exception {
        String user = unique("resume-");
        String channel = "user:" + user;
        JsonObject last;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            published(b, channel, 1);
            published(a, channel, 2);
            ws.notifications(1);
            last = ws.next("notification");
        }
        published(a, channel, 3);
        published(b, channel, 4);
        String cursor = ClientCursor.at(channel, last.getString("epoch"), last.getLong("offset"));
        try (WsTestClient ws = WsTestClient.to(b.base()).token(token(user)).query("cursor", cursor).connect()) {
            assertTrue(ws.next("welcome").getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
            assertEquals(List.of(3L, 4L), ws.notifications(2).stream().map(n -> n.getLong("offset")).toList());
            published(a, channel, 5);
            assertEquals(5, ws.next("notification").getLong("offset"), "nothing twice: the next one follows 4");
        }
    }

    @Test
    void presenceAndDisconnectSpanBothReplicas() throws Exception {
        String team = unique("team:both-");
        String user1 = unique("p1-");
        String user2 = unique("p2-");
        try (WsTestClient onA = WsTestClient.to(a.base()).token(token(user1, team)).channel(team).connect();
                WsTestClient onB = WsTestClient.to(b.base()).token(token(user2, team)).channel(team).connect();
                WsTestClient alsoOnB = WsTestClient.to(b.base()).token(token(user1)).connect()) {
            onA.next("welcome");
            onB.next("welcome");
            alsoOnB.next("welcome");
            JsonObject presence = new JsonObject(get(a, "/api/v1/channels/" + team + "/presence", KEY).body());
            assertEquals(2, presence.getInteger("connections"));
            assertEquals(List.of(user1, user2).stream().sorted().toList(), presence.getJsonArray("users").getList());

            HttpResponse<String> closed = HTTP.send(HttpRequest.newBuilder(a.base().resolve("/api/v1/users/" + user1
                    + "/connections")).header("Authorization", "Bearer " + KEY).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(2, new JsonObject(closed.body()).getInteger("closed"));
            assertEquals(4003, alsoOnB.closeCode());
            assertEquals(4003, onA.closeCode());
            assertFalse(onB.isClosed());
        }
    }

    @Test
    void aKilledReplicaLosesNothingForSubscribersThatReconnect() throws Exception {
        String user = unique("crash-");
        String channel = "user:" + user;
        JsonObject seen;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            published(a, channel, 1);
            seen = ws.next("notification");
            published(a, channel, 2);
            ws.next("notification");
            a.kill();
        }
        published(b, channel, 3);
        // the dead replica's subscriber is not counted, and asking does not hang on the dead replica
        JsonObject presence = new JsonObject(get(b, "/api/v1/channels/" + channel + "/presence", KEY).body());
        assertEquals(0, presence.getInteger("connections"));
        String cursor = ClientCursor.at(channel, seen.getString("epoch"), seen.getLong("offset"));
        try (WsTestClient ws = WsTestClient.to(b.base()).token(token(user)).query("cursor", cursor).connect()) {
            assertTrue(ws.next("welcome").getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
            assertEquals(List.of(2L, 3L), ws.notifications(2).stream().map(n -> n.getLong("offset")).toList());
            published(b, channel, 4);
            assertEquals(4, ws.next("notification").getLong("offset"), "nothing twice: the next one follows 3");
        }
        a.launch();
        a.awaitReady();
        JsonObject afterRestart = published(a, channel, 5);
        assertEquals(seen.getString("epoch"), afterRestart.getString("epoch"), "a replica restart keeps the epoch");
        assertEquals(5, afterRestart.getLong("offset"));
    }

    @Test
    void aDroppedFanOutConnectionCatchesUpFromHistory() throws Exception {
        String user = unique("blip-");
        String channel = "user:" + user;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            published(b, channel, 1);
            assertEquals(1, ws.next("notification").getLong("offset"));
            redis.command("CLIENT", "KILL", "TYPE", "pubsub");
            for (int n = 2; n <= 20; n++) {
                published(b, channel, n);
            }
            List<Long> offsets = ws.notifications(19).stream().map(m -> m.getLong("offset")).toList();
            assertEquals(java.util.stream.LongStream.rangeClosed(2, 20).boxed().toList(), offsets);
            published(b, channel, 21);
            assertEquals(21, ws.next("notification").getLong("offset"), "nothing twice: the next one follows 20");
            assertFalse(ws.isClosed());
        }
    }

    @Test
    void whileRedisIsDownPublishesAnswer503AndSubscribersStayThenResume() throws Exception {
        String user = unique("down-");
        String channel = "user:" + user;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            JsonObject first = published(a, channel, 1);
            ws.next("notification");
            int threadsBefore = threads(a);
            redis.kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.readiness() == 503 && b.readiness() == 503);
            // stay down through several reconnect attempts (100 ms doubling): nothing piles up meanwhile
            java.util.concurrent.atomic.AtomicInteger downChecks = new java.util.concurrent.atomic.AtomicInteger();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> a.readiness() == 503 && downChecks.incrementAndGet() >= 5);
            assertTrue(threads(a) <= threadsBefore + 2, "threads grew while Redis was down: " + threadsBefore
                    + " -> " + threads(a));
            HttpResponse<String> refused = publish(b, channel, 2);
            assertEquals(503, refused.statusCode());
            assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
            assertFalse(ws.isClosed(), "subscribers stay connected while Redis is down");
            String metrics = get(b, "/q/metrics", KEY).body();
            assertTrue(metrics.contains("relay_engine_errors_total{operation=\"publish\"}"), "engine errors are counted");
            assertTrue(get(a, "/q/metrics", KEY).body().contains("relay_engine_errors_total{operation=\"fanout\"}"));

            redis.launch();
            a.awaitReady();
            b.awaitReady();
            // Redis came back empty: the channel has a new epoch, and the subscriber is told to resume
            assertEquals(1001, ws.closeCode());
            JsonObject next = published(b, channel, 3);
            String cursor = ClientCursor.at(channel, first.getString("epoch"), first.getLong("offset"));
            try (WsTestClient again = WsTestClient.to(a.base()).token(token(user)).query("cursor", cursor).connect()) {
                JsonObject start = again.next("welcome").getJsonArray("channels").getJsonObject(0);
                assertFalse(start.getBoolean("recovered"));
                assertEquals(next.getString("epoch"), start.getString("epoch"));
                assertEquals(3, again.next("notification").getJsonObject("data").getInteger("n"));
            }
        }
    }
}
