package io.relay.transport.sse;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.ClientCursor;
import io.relay.Metrics;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/** {@code GET /api/v1/notifications/stream}, read by a real streaming client. */
@QuarkusTest
class SseTest {

    static final String PATH = "/api/v1/notifications/stream";

    @TestHTTPResource("/")
    URI base;

    private SseTestClient open(String token, String query, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return SseTestClient.open(base, PATH + query, all);
    }

    @Test
    void streamsAWelcomeThenEachNotificationWithItsCursorAsId() throws Exception {
        String user = unique("sse-");
        Publisher publisher = new Publisher(base);
        try (SseTestClient stream = open(TestTokens.valid(user), "")) {
            assertEquals("text/event-stream", stream.response().headers().firstValue("Content-Type").orElseThrow());
            SseTestClient.Event welcome = stream.next("welcome");
            assertEquals(user, welcome.json().getString("user"));
            assertEquals(1000, welcome.json().getLong("heartbeat"), "the test profile's relay.sse.heartbeat, in ms");
            assertEquals("user:" + user, welcome.json().getJsonArray("channels").getJsonObject(0).getString("channel"));
            assertNotNull(welcome.id());

            publisher.publish("user:" + user, new JsonObject().put("n", 1));
            publisher.publish("user:" + user, new JsonObject().put("n", 2));
            List<SseTestClient.Event> events = stream.notifications(2);
            assertEquals(1, events.get(0).json().getInteger("offset"));
            assertEquals(2, events.get(1).json().getJsonObject("data").getInteger("n"));
            assertEquals("notification", events.get(1).json().getString("type"));

            // each id is a cursor that resumes right after its event, on any transport
            publisher.publish("user:" + user, new JsonObject().put("n", 3));
            stream.next("notification");
            List<Integer> after = given().header("Authorization", "Bearer " + TestTokens.valid(user))
                    .queryParam("cursor", events.get(0).id()).get("/api/v1/notifications")
                    .then().statusCode(200).extract().path("notifications.offset");
            assertEquals(List.of(2, 3), after);
        }
    }

    @Test
    void sendsAHeartbeatCommentOnAnIdleStream() throws Exception {
        try (SseTestClient stream = open(TestTokens.valid(unique("beat-")), "")) {
            stream.next("welcome");
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.comments() >= 2);
        }
    }

    @Test
    void resumesFromLastEventIdWithExactlyWhatWasMissed() throws Exception {
        String user = unique("sse-resume-");
        Publisher publisher = new Publisher(base);
        String lastId;
        String welcomeId;
        try (SseTestClient stream = open(TestTokens.valid(user), "")) {
            welcomeId = stream.next("welcome").id();
            publisher.publish("user:" + user, new JsonObject().put("n", 1));
            lastId = stream.next("notification").id();
        }
        publisher.publish("user:" + user, new JsonObject().put("n", 2));
        publisher.publish("user:" + user, new JsonObject().put("n", 3));
        // EventSource keeps the original URL (here with the older cursor) and adds Last-Event-ID, which wins
        try (SseTestClient stream = open(TestTokens.valid(user), "?cursor=" + welcomeId, "Last-Event-ID", lastId)) {
            JsonObject channel = stream.next("welcome").json().getJsonArray("channels").getJsonObject(0);
            assertTrue(channel.getBoolean("recovered"));
            assertEquals(3, channel.getInteger("offset"));
            List<SseTestClient.Event> replay = stream.notifications(2);
            assertEquals(List.of(2, 3), replay.stream().map(e -> e.json().getInteger("offset")).toList());
            publisher.publish("user:" + user, new JsonObject().put("n", 4));
            assertEquals(4, stream.next("notification").json().getInteger("offset"));
        }
    }

    @Test
    void endsTheStreamWhenTheTokenExpires() throws Exception {
        try (SseTestClient stream = open(TestTokens.expiringIn(Duration.ofSeconds(2), unique("expiring-")), "")) {
            stream.next("welcome");
            JsonObject close = stream.next("close").json();
            assertEquals(4001, close.getInteger("code"));
            assertTrue(close.getBoolean("reconnect"));
            stream.awaitEnd();
        }
    }

    @Test
    void theStreamIsCountedWhileOpenAndReleasedWhenTheClientLeaves() throws Exception {
        String user = unique("sse-gone-");
        double before = Metrics.openSseStreams();
        try (SseTestClient stream = open(TestTokens.valid(user), "")) {
            stream.next("welcome");
            assertEquals(before + 1, Metrics.openSseStreams());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.openSseStreams() == before);
        assertEquals(0, (int) given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/user:" + user + "/presence").then().extract().path("connections"));
    }

    @Test
    void refusesBeforeStreaming() {
        given().get(PATH).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer " + TestTokens.expired("alice")).get(PATH).then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.valid("alice")).queryParam("channel", "team:secret")
                .get(PATH).then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + TestTokens.valid("alice"))
                .header("Last-Event-ID", ClientCursor.at("user:bob", "abc", 1)).get(PATH).then().statusCode(403);
    }

    @ParameterizedTest
    @ValueSource(strings = { "garbage", "djEKdXNlcjphbGljZSBhYmMgMQo", "AAAA" })
    void refusesAMalformedLastEventId(String lastEventId) {
        given().header("Authorization", "Bearer " + TestTokens.valid("alice")).header("Last-Event-ID", lastEventId)
                .get(PATH).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void disconnectEndsStreamsAndLongPollsOfTheUser() throws Exception {
        String user = unique("sse-kick-");
        double waitingBefore = Metrics.waitingLongPolls();
        try (SseTestClient stream = open(TestTokens.valid(user), "")) {
            stream.next("welcome");
            var longPoll = java.util.concurrent.CompletableFuture.supplyAsync(() -> given()
                    .header("Authorization", "Bearer " + TestTokens.valid(user))
                    .get("/api/v1/notifications/long-poll?timeout=30").then().statusCode(200).extract().jsonPath());
            await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.waitingLongPolls() > waitingBefore);
            int closed = given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                    .delete("/api/v1/users/" + user + "/connections").then().statusCode(200).extract().path("closed");
            assertEquals(2, closed);
            JsonObject close = stream.next("close").json();
            assertEquals(4003, close.getInteger("code"));
            assertFalse(close.getBoolean("reconnect"));
            stream.awaitEnd();
            var answer = longPoll.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(4003, answer.getInt("close.code"));
            assertEquals(List.of(), answer.getList("notifications"));
        }
        assertEquals(Map.of("closed", 0), given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .delete("/api/v1/users/" + user + "/connections").then().statusCode(200).extract().as(Map.class));
    }
}
