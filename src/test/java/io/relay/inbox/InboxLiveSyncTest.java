package io.relay.inbox;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Metrics;
import io.relay.TestTokens;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every inbox change reaches every live connection of its user, on every transport: {@code inbox}
 * frames and SSE events, counts in the welcome and in poll answers, a long-poll woken by a change, the
 * {@code inbox.mark} op, and {@code delivered} once an added item was written to a connection.
 */
@QuarkusTest
public class InboxLiveSyncTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification as(String user) {
        return given().header("Authorization", "Bearer " + TestTokens.valid(user));
    }

    private static String publishToInbox(String user, int n) {
        return publisher().body("{\"users\":[\"" + user + "\"],\"event\":\"alert\",\"data\":{\"n\":" + n + "},\"inbox\":true}")
                .post("/api/v1/notifications").then().statusCode(202).extract().path("id");
    }

    private WsTestClient ws(String user) {
        return WsTestClient.to(base).token(TestTokens.valid(user)).connect();
    }

    private SseTestClient sse(String user) throws Exception {
        return SseTestClient.open(base, "/api/v1/notifications/stream", "Authorization", "Bearer " + TestTokens.valid(user));
    }

    /** The next inbox frame, passing over the notifications the same publishes deliver on the user's channel. */
    private static JsonObject nextInbox(WsTestClient client) {
        while (true) {
            JsonObject frame = client.next();
            if (!"notification".equals(frame.getString("type"))) {
                assertEquals("inbox", frame.getString("type"), frame.encode());
                return frame;
            }
        }
    }

    private static JsonObject nextInbox(SseTestClient client) throws InterruptedException {
        while (true) {
            SseTestClient.Event event = client.next();
            if (!"notification".equals(event.event())) {
                assertEquals("inbox", event.event(), event.toString());
                assertNull(event.id(), "an inbox change moves no cursor");
                return event.json();
            }
        }
    }

    private static JsonObject counts(int unread, int total) {
        return new JsonObject().put("unread", unread).put("total", total);
    }

    @Test
    void aPublishToTheInboxReachesEveryConnectionOfItsUserAndIsThenDelivered() throws Exception {
        String user = unique("live-");
        try (WsTestClient phone = ws(user); WsTestClient laptop = ws(user); SseTestClient tablet = sse(user)) {
            assertEquals(counts(0, 0), phone.next("welcome").getJsonObject("inbox"));
            assertEquals(counts(0, 0), laptop.next("welcome").getJsonObject("inbox"));
            assertEquals(counts(0, 0), tablet.next("welcome").json().getJsonObject("inbox"));
            String id = publishToInbox(user, 1);
            for (JsonObject change : List.of(nextInbox(phone), nextInbox(laptop), nextInbox(tablet))) {
                assertEquals("added", change.getString("change"));
                JsonObject item = change.getJsonArray("items").getJsonObject(0);
                assertEquals(id, item.getString("id"));
                assertEquals("alert", item.getString("event"));
                assertEquals(new JsonObject().put("n", 1), item.getJsonObject("data"));
                assertEquals(false, item.getBoolean("read"));
                assertEquals(counts(1, 1), change.getJsonObject("counts"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> as(user).get("/api/v1/inbox").then().statusCode(200)
                    .extract().jsonPath().getBoolean("items[0].delivered"));
        }
        String away = unique("away-");
        publishToInbox(away, 1);
        assertEquals(false, as(away).get("/api/v1/inbox").then().extract().jsonPath().getBoolean("items[0].delivered"),
                "nobody was connected");
    }

    @Test
    void aMarkOnOneDeviceReachesTheOthersAndTheOpIsAnsweredWithTheChange() throws Exception {
        String user = unique("mark-");
        String first = publishToInbox(user, 1);
        String second = publishToInbox(user, 2);
        try (WsTestClient phone = ws(user); WsTestClient laptop = ws(user)) {
            assertEquals(counts(2, 2), phone.next("welcome").getJsonObject("inbox"));
            assertEquals(counts(2, 2), laptop.next("welcome").getJsonObject("inbox"));

            phone.send(new JsonObject().put("op", "inbox.mark").put("ids", new JsonArray().add(first)).put("read", true));
            for (WsTestClient device : List.of(phone, laptop)) {
                JsonObject change = nextInbox(device);
                assertEquals("updated", change.getString("change"));
                assertEquals(first, change.getJsonArray("items").getJsonObject(0).getString("id"));
                assertEquals(true, change.getJsonArray("items").getJsonObject(0).getBoolean("read"));
                assertEquals(counts(1, 2), change.getJsonObject("counts"));
            }

            phone.send(new JsonObject().put("op", "inbox.mark").put("ids", new JsonArray().add(first)).put("read", true));
            JsonObject unchanged = nextInbox(phone);
            assertEquals(new JsonArray(), unchanged.getJsonArray("items"));
            assertEquals(counts(1, 2), unchanged.getJsonObject("counts"));
            assertNull(laptop.poll(QUIET), "a mark that changes nothing is answered to its sender alone");

            as(user).contentType("application/json").body("{\"all\":true,\"archived\":true}").post("/api/v1/inbox/mark")
                    .then().statusCode(200);
            for (WsTestClient device : List.of(phone, laptop)) {
                JsonObject change = nextInbox(device);
                assertEquals(2, change.getJsonArray("items").size());
                assertEquals(counts(0, 0), change.getJsonObject("counts"));
            }

            phone.send("{\"op\":\"inbox.mark\",\"ids\":[],\"read\":true}");
            JsonObject refused = phone.next("error");
            assertEquals("bad_request", refused.getString("code"));
            phone.send("{\"op\":\"inbox.mark\",\"all\":true,\"read\":true,\"typo\":1}");
            assertTrue(phone.next("error").getString("message").contains("typo"));
            assertTrue(as(user).get("/api/v1/inbox?filter=archived").then().extract().jsonPath()
                    .getList("items.id").containsAll(List.of(first, second)), "refused ops changed nothing");
        }
    }

    @Test
    void aLongPollWakesOnAnInboxChangeAndEveryPollAnswerHoldsTheCounts() {
        String user = unique("lp-inbox-");
        String id = publishToInbox(user, 1);
        JsonPath polled = as(user).get("/api/v1/notifications").then().statusCode(200).extract().jsonPath();
        assertEquals(1, polled.getInt("inbox.unread"));
        assertEquals(1, polled.getInt("inbox.total"));
        String cursor = polled.getString("cursor");

        double waitingBefore = Metrics.waitingLongPolls();
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(() -> as(user)
                .queryParam("cursor", cursor).queryParam("timeout", 30)
                .get("/api/v1/notifications/long-poll").then().statusCode(200).extract().jsonPath());
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() > waitingBefore);
        long marked = System.nanoTime();
        as(user).contentType("application/json").body("{\"read\":true}").patch("/api/v1/inbox/" + id).then().statusCode(200);
        JsonPath woken = waiting.orTimeout(10, TimeUnit.SECONDS).join();
        assertTrue(Duration.ofNanos(System.nanoTime() - marked).toSeconds() < 10, "woken by the mark, not the timeout");
        assertEquals(List.of(), woken.getList("notifications"));
        assertEquals(cursor, woken.getString("cursor"), "an inbox change moves no channel");
        assertEquals(0, woken.getInt("inbox.unread"));
        assertEquals(1, woken.getInt("inbox.total"));
    }

    @Test
    void aDeleteOrARecallReachesLiveConnectionsAsRemoved() throws Exception {
        String user = unique("removed-");
        String kept = publishToInbox(user, 1);
        String recalled = publishToInbox(user, 2);
        try (WsTestClient phone = ws(user); SseTestClient tablet = sse(user)) {
            phone.next("welcome");
            tablet.next("welcome");
            publisher().delete("/api/v1/notifications/" + recalled).then().statusCode(200);
            as(user).delete("/api/v1/inbox/" + kept).then().statusCode(204);
            for (JsonObject change : List.of(nextInbox(phone), nextInbox(tablet))) {
                assertEquals("removed", change.getString("change"));
                assertEquals(new JsonArray().add(recalled), change.getJsonArray("ids"));
                assertEquals(counts(1, 1), change.getJsonObject("counts"));
            }
            for (JsonObject change : List.of(nextInbox(phone), nextInbox(tablet))) {
                assertEquals(new JsonArray().add(kept), change.getJsonArray("ids"));
                assertEquals(counts(0, 0), change.getJsonObject("counts"));
            }
        }
    }
}
