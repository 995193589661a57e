package io.relay.engine.redis;

import static io.relay.engine.redis.ReplicaPair.KEY;
import static io.relay.engine.redis.ReplicaPair.get;
import static io.relay.engine.redis.ReplicaPair.token;
import static io.relay.engine.redis.ReplicaPair.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.relay.RelayProcess;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One user's inbox on two replicas of the packaged application sharing one redis-server: every change
 * made through either reaches the user's connections on both, and the counts stay exact, and equal to
 * what the connections were told last, under concurrent publishers and markers on both.
 */
class InboxAcrossReplicasIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ReplicaPair pair;

    @BeforeAll
    static void start() throws Exception {
        pair = ReplicaPair.start();
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
    }

    private static JsonObject send(RelayProcess relay, String method, String path, String bearer, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(relay.base().resolve(path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
    }

    private static String publishToInbox(RelayProcess relay, String user, int n) throws Exception {
        return send(relay, "POST", "/api/v1/notifications", KEY,
                "{\"users\":[\"" + user + "\"],\"data\":{\"n\":" + n + "},\"inbox\":true}").getString("id");
    }

    private static JsonObject nextInbox(WsTestClient client) {
        while (true) {
            JsonObject frame = client.next();
            if ("inbox".equals(frame.getString("type"))) {
                return frame;
            }
        }
    }

    private static JsonObject nextInbox(SseTestClient client) throws InterruptedException {
        while (true) {
            SseTestClient.Event event = client.next();
            if ("inbox".equals(event.event())) {
                return event.json();
            }
        }
    }

    private static SseTestClient sse(RelayProcess relay, String user) throws Exception {
        return SseTestClient.open(relay.base(), "/api/v1/notifications/stream", "Authorization", "Bearer " + token(user));
    }

    @Test
    void aChangeThroughEitherReplicaReachesTheUsersConnectionsOnBoth() throws Exception {
        String user = unique("inbox-ab-");
        try (WsTestClient onA = WsTestClient.to(pair.a.base()).token(token(user)).connect();
                WsTestClient onB = WsTestClient.to(pair.b.base()).token(token(user)).connect();
                SseTestClient sseOnB = sse(pair.b, user)) {
            onA.next("welcome");
            onB.next("welcome");
            sseOnB.next("welcome");
            String id = publishToInbox(pair.a, user, 1);
            for (JsonObject added : List.of(nextInbox(onA), nextInbox(onB), nextInbox(sseOnB))) {
                assertEquals("added", added.getString("change"));
                assertEquals(id, added.getJsonArray("items").getJsonObject(0).getString("id"));
            }
            onA.send(new JsonObject().put("op", "inbox.mark").put("ids", new JsonArray().add(id)).put("read", true));
            for (JsonObject updated : List.of(nextInbox(onA), nextInbox(onB), nextInbox(sseOnB))) {
                assertEquals("updated", updated.getString("change"));
                assertEquals(new JsonObject().put("unread", 0).put("total", 1), updated.getJsonObject("counts"));
            }
            send(pair.b, "DELETE", "/api/v1/notifications/" + id, KEY, null);
            for (JsonObject removed : List.of(nextInbox(onA), nextInbox(onB), nextInbox(sseOnB))) {
                assertEquals(new JsonArray().add(id), removed.getJsonArray("ids"));
            }
        }
    }

    @Test
    void aConnectionIsToldTheCountsAgainOnceItsReplicasFanOutIsBack() throws Exception {
        String user = unique("inbox-blip-");
        try (WsTestClient onA = WsTestClient.to(pair.a.base()).token(token(user)).connect()) {
            onA.next("welcome");
            String id = publishToInbox(pair.b, user, 1);
            assertEquals(id, nextInbox(onA).getJsonArray("items").getJsonObject(0).getString("id"));
            // the replicas cannot subscribe again until the mark is made: no replica hears of it
            pair.redis.command("ACL", "SETUSER", "default", "-subscribe");
            try {
                pair.redis.command("CLIENT", "KILL", "TYPE", "pubsub");
                send(pair.b, "POST", "/api/v1/inbox/mark", token(user), "{\"all\":true,\"read\":true}");
            } finally {
                pair.redis.command("ACL", "SETUSER", "default", "+subscribe");
            }
            JsonObject told = nextInbox(onA);
            assertEquals("updated", told.getString("change"));
            assertEquals(new JsonArray(), told.getJsonArray("items"), "the counts told again, not the mark");
            assertEquals(new JsonObject().put("unread", 0).put("total", 1), told.getJsonObject("counts"));
        }
    }

    @Test
    void countsStayExactUnderPublishersAndMarkersOnBothReplicas() throws Exception {
        String user = unique("inbox-busy-");
        String userToken = token(user);
        List<RelayProcess> replicas = List.of(pair.a, pair.b);
        try (WsTestClient onA = WsTestClient.to(pair.a.base()).token(userToken).connect();
                WsTestClient onB = WsTestClient.to(pair.b.base()).token(userToken).connect()) {
            onA.next("welcome");
            onB.next("welcome");
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            ExecutorService threads = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    RelayProcess via = replicas.get(t % 2);
                    int thread = t;
                    work.add(threads.submit(() -> {
                        for (int n = 0; n < 20; n++) {
                            ids.add(publishToInbox(via, user, thread * 100 + n));
                        }
                        return null;
                    }));
                    work.add(threads.submit(() -> {
                        for (int n = 0; n < 20; n++) {
                            String body;
                            if (n % 7 == 6 || ids.isEmpty()) {
                                body = "{\"all\":true,\"read\":" + (n % 2 == 0) + "}";
                            } else {
                                String some = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
                                body = "{\"ids\":[\"" + some + "\"]," + (n % 2 == 0 ? "\"read\"" : "\"archived\"") + ":"
                                        + (n % 3 != 0) + "}";
                            }
                            send(via, "POST", "/api/v1/inbox/mark", userToken, body);
                        }
                        return null;
                    }));
                }
                for (Future<?> done : work) {
                    done.get();
                }
            } finally {
                threads.shutdown();
            }
            JsonObject counts = new JsonObject(get(pair.b, "/api/v1/inbox/counts", userToken).body());
            assertEquals(recount(pair.a, userToken), counts, "the counts are a recount of the items");
            assertEquals(160, counts.getInteger("total") + listAll(pair.a, userToken, "archived").size(), "none lost");
            for (WsTestClient connection : List.of(onA, onB)) {
                // the changes come in the order they were made: the last one told holds the counts as they are
                JsonObject last = null;
                for (JsonObject frame = connection.poll(Duration.ofSeconds(2)); frame != null;
                        frame = connection.poll(Duration.ofSeconds(2))) {
                    if ("inbox".equals(frame.getString("type"))) {
                        last = frame;
                    }
                }
                assertEquals(counts, last.getJsonObject("counts"));
            }
        }
    }

    private static JsonObject recount(RelayProcess relay, String userToken) throws Exception {
        return new JsonObject().put("unread", listAll(relay, userToken, "unread").size())
                .put("total", listAll(relay, userToken, "all").size());
    }

    private static List<String> listAll(RelayProcess relay, String userToken, String filter) throws Exception {
        List<String> ids = new ArrayList<>();
        String before = null;
        do {
            URI page = URI.create("/api/v1/inbox?limit=100&filter=" + filter + (before == null ? "" : "&before=" + before));
            JsonObject answer = new JsonObject(get(relay, page.toString(), userToken).body());
            answer.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
            before = answer.getString("next");
        } while (before != null);
        return ids;
    }
}
