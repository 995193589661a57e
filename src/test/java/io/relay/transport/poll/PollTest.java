package io.relay.transport.poll;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.relay.ClientCursor;
import io.relay.Metrics;
import io.relay.channel.ChannelName;
import io.relay.channel.Cursor;
import io.relay.channel.StreamPosition;
import io.relay.engine.memory.MemoryChannels;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/** {@code GET /api/v1/notifications}: answers at once with what the cursor has not seen. */
@QuarkusTest
class PollTest {

    static final String PATH = "/api/v1/notifications";

    @TestHTTPResource("/")
    URI base;

    @Inject
    MemoryChannels channels;

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    /** A poll that must answer 200; returns its body. */
    static JsonPath poll(String token, Map<String, ?> query) {
        return as(token).queryParams(query).get(PATH).then().statusCode(200)
                .contentType("application/json").header("Cache-Control", "no-store").extract().jsonPath();
    }

    @Test
    void startsFromNowAndThenReturnsWhatCameAfterTheCursor() {
        String user = unique("poll-");
        Publisher publisher = new Publisher(base);
        publisher.publish("user:" + user, new JsonObject().put("n", 0));
        JsonPath first = poll(TestTokens.valid(user), Map.of());
        assertEquals(List.of(), first.getList("notifications"));
        assertTrue(first.getBoolean("recovered"));
        assertFalse(first.getBoolean("more"));

        publisher.publish("user:" + user, new JsonObject().put("n", 1));
        publisher.publish("user:" + user, new JsonObject().put("n", 2));
        JsonPath second = poll(TestTokens.valid(user), Map.of("cursor", first.getString("cursor")));
        assertEquals(List.of(2, 3), second.getList("notifications.offset"));
        assertEquals(List.of(1, 2), second.getList("notifications.data.n"));
        assertEquals("notification", second.getString("notifications[0].type"));
        assertEquals("test", second.getString("notifications[0].event"));
        assertTrue(second.getBoolean("recovered"));

        JsonPath third = poll(TestTokens.valid(user), Map.of("cursor", second.getString("cursor")));
        assertEquals(List.of(), third.getList("notifications"));
        assertEquals(second.getString("cursor"), third.getString("cursor"), "nothing new: the same position");
    }

    @ParameterizedTest
    @ValueSource(strings = { PATH, "/api/v1/notifications/long-poll" })
    void resumesFromACursorInLastEventIdAsFromTheParameter(String path) {
        String user = unique("poll-");
        Publisher publisher = new Publisher(base);
        String cursor = poll(TestTokens.valid(user), Map.of()).getString("cursor");
        publisher.publish("user:" + user, new JsonObject().put("n", 1));
        publisher.publish("user:" + user, new JsonObject().put("n", 2));
        JsonPath fromHeader = as(TestTokens.valid(user)).header("Last-Event-ID", cursor).queryParam("timeout", 1)
                .get(path).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(1, 2), fromHeader.getList("notifications.offset"));
        assertEquals(poll(TestTokens.valid(user), Map.of("cursor", cursor)).getString("cursor"), fromHeader.getString("cursor"));
    }

    @Test
    void pagesWithLimitAndMoreWithoutGapOrDuplicate() {
        String user = unique("page-");
        Publisher publisher = new Publisher(base);
        String cursor = poll(TestTokens.valid(user), Map.of()).getString("cursor");
        for (int i = 1; i <= 7; i++) {
            publisher.publish("user:" + user, new JsonObject().put("n", i));
        }
        JsonPath page1 = poll(TestTokens.valid(user), Map.of("cursor", cursor, "limit", 3));
        assertEquals(List.of(1, 2, 3), page1.getList("notifications.offset"));
        assertTrue(page1.getBoolean("more"));
        JsonPath page2 = poll(TestTokens.valid(user), Map.of("cursor", page1.getString("cursor"), "limit", 3));
        assertEquals(List.of(4, 5, 6), page2.getList("notifications.offset"));
        assertTrue(page2.getBoolean("more"));
        JsonPath page3 = poll(TestTokens.valid(user), Map.of("cursor", page2.getString("cursor"), "limit", 3));
        assertEquals(List.of(7), page3.getList("notifications.offset"));
        assertFalse(page3.getBoolean("more"));
    }

    @Test
    void ordersSeveralChannelsByChannelThenOffsetAndCoversThemAllInTheCursor() {
        String user = unique("multi-");
        String team = unique("team:poll-");
        Publisher publisher = new Publisher(base);
        String token = TestTokens.valid(user, "team:*");
        String cursor = as(token).queryParam("channel", team).get(PATH)
                .then().statusCode(200).extract().path("cursor");
        publisher.publish(team, new JsonObject().put("n", "t1"));
        publisher.publish("user:" + user, new JsonObject().put("n", "u1"));
        publisher.publish(team, new JsonObject().put("n", "t2"));
        // the cursor alone names every channel read before
        JsonPath answer = poll(token, Map.of("cursor", cursor));
        List<String> channels = answer.getList("notifications.channel");
        List<String> sorted = channels.stream().sorted().toList();
        assertEquals(sorted, channels, "ordered by channel");
        assertEquals(List.of("t1", "t2", "u1"), answer.getList("notifications.data.n"));
    }

    @Test
    void pollsOfChannelsWithNoHistoryCreateNothingAndLaterRecoverTheirFirstNotifications() {
        String user = unique("reader-");
        String token = TestTokens.valid(user, "sc-*");
        int held = channels.size();
        RequestSpecification request = as(token);
        for (int i = 0; i < 50; i++) {
            request.queryParam("channel", unique("sc-") + "-" + i);
        }
        String cursor = request.get(PATH).then().statusCode(200).extract().path("cursor");
        assertTrue(channels.size() <= held, "reading 51 channels with no history created none");
        Map<ChannelName, StreamPosition> positions = Cursor.parse(cursor).positions();
        assertEquals(51, positions.size());
        positions.values().forEach(position -> assertEquals(StreamPosition.EMPTY, position));

        new Publisher(base).publish("user:" + user, new JsonObject().put("n", 1));
        JsonPath after = poll(token, Map.of("cursor", cursor));
        assertTrue(after.getBoolean("recovered"), "the client saw the channel empty: it missed nothing");
        assertEquals(List.of(1), after.getList("notifications.offset"));
    }

    @Test
    void aPollReadsNoMoreOfAChannelThanItCanAnswer() {
        String user = unique("bounded-");
        Publisher publisher = new Publisher(base);
        String cursor = poll(TestTokens.valid(user), Map.of()).getString("cursor");
        for (int i = 1; i <= 30; i++) {
            publisher.publish("user:" + user, new JsonObject().put("n", i));
        }
        double replayed = Metrics.sum("relay_replays_total{transport=\"poll\"}");
        JsonPath page = poll(TestTokens.valid(user), Map.of("cursor", cursor, "limit", 2));
        assertEquals(List.of(1, 2), page.getList("notifications.offset"));
        assertTrue(page.getBoolean("more"));
        assertEquals(2, Metrics.sum("relay_replays_total{transport=\"poll\"}") - replayed, 0.0,
                "history was read for 2 notifications, not for the 30 retained");
    }

    @Test
    void pagesSeveralChannelsWithoutGapOrDuplicate() {
        String user = unique("pages-");
        String team = unique("team:pages-");
        Publisher publisher = new Publisher(base);
        String token = TestTokens.valid(user, "team:*");
        String cursor = as(token).queryParam("channel", team).get(PATH).then().statusCode(200).extract().path("cursor");
        for (int i = 1; i <= 5; i++) {
            publisher.publish(team, new JsonObject().put("n", "t" + i));
            publisher.publish("user:" + user, new JsonObject().put("n", "u" + i));
        }
        List<Object> received = new java.util.ArrayList<>();
        List<Boolean> more = new java.util.ArrayList<>();
        for (int page = 0; page < 4; page++) {
            JsonPath answer = poll(token, Map.of("cursor", cursor, "limit", 3));
            received.addAll(answer.getList("notifications.data.n"));
            more.add(answer.getBoolean("more"));
            cursor = answer.getString("cursor");
        }
        assertEquals(List.of("t1", "t2", "t3", "t4", "t5", "u1", "u2", "u3", "u4", "u5"), received);
        assertEquals(List.of(true, true, true, false), more);
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        given().get(PATH).then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        as(TestTokens.expired("alice")).get(PATH).then().statusCode(401).header("WWW-Authenticate", containsString("expired"));
        as(TestTokens.signedWith("another-secret-0123456789-abcdefghijklmnop", "alice")).get(PATH).then().statusCode(401);
        as(TestTokens.unsigned("alice")).get(PATH).then().statusCode(401);
    }

    @Test
    void ignoresAQueryTokenUnlessEnabled() {
        given().queryParam("access_token", TestTokens.valid("alice")).get(PATH).then().statusCode(401);
        given().queryParam("access_token", TestTokens.valid("alice")).get("/api/v1/notifications/stream")
                .then().statusCode(401);
    }

    @Test
    void refusesChannelsTheTokenDoesNotGrant() {
        as(TestTokens.valid("alice")).queryParam("channel", "team:secret").get(PATH).then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403));
        as(TestTokens.valid("alice")).queryParam("channel", "user:bob").get(PATH).then().statusCode(403);
    }

    @ParameterizedTest
    @ValueSource(strings = { PATH, "/api/v1/notifications/long-poll", "/api/v1/notifications/stream" })
    void namesTheRefusedChannelSoAClientCanDropItAlone(String path) {
        as(TestTokens.valid("alice", "team:ops")).queryParam("channel", "team:ops").queryParam("channel", "team:secret")
                .get(path).then().statusCode(403).contentType("application/problem+json")
                .body("channel", equalTo("team:secret"));
    }

    @Test
    void namesNoChannelWhenTheRefusalIsNotAboutOne() {
        given().header("Origin", "https://evil.example.net").cookie("relay_token", TestTokens.valid("alice"))
                .get(PATH).then().statusCode(403).body("status", equalTo(403)).body("$", not(hasKey("channel")));
    }

    @Test
    void refusesACursorNamingAChannelTheTokenDoesNotGrant() {
        String cursor = ClientCursor.of("v1\nuser:bob abc 1");
        as(TestTokens.valid("alice")).queryParam("cursor", cursor).get(PATH).then().statusCode(403)
                .contentType("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(strings = { "limit=0", "limit=1001", "limit=abc", "limit=", "limit=1&limit=2", "channel=bad/name",
            "channel=", "cursor=", "cursor=%00%01", "cursor=bm90IGEgY3Vyc29y", "cursor=v1", "cursor=1&cursor=2" })
    void refusesBadParametersWith400(String query) {
        given().header("Authorization", "Bearer " + TestTokens.valid("alice")).urlEncodingEnabled(false)
                .get(PATH + "?" + query).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://relay.dev/problems/invalid-request"));
    }

    @Test
    void refusesOversizedRandomAndTruncatedCursors() {
        String token = TestTokens.valid("alice");
        as(token).queryParam("cursor", "A".repeat(5 * 1024)).get(PATH).then().statusCode(400)
                .body("detail", containsString("4096"));
        byte[] random = new byte[48];
        new java.util.Random(7).nextBytes(random);
        as(token).queryParam("cursor", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random))
                .get(PATH).then().statusCode(400);
        String valid = ClientCursor.of("v1\nuser:alice abc 12");
        as(token).queryParam("cursor", valid.substring(0, valid.length() - 3)).get(PATH).then().statusCode(400);
    }

    @Test
    void refusesMoreChannelsThanAllowed() {
        RequestSpecification request = as(TestTokens.valid("alice", "team:*"));
        for (int i = 0; i < 101; i++) {
            request.queryParam("channel", "team:c" + i);
        }
        request.get(PATH).then().statusCode(400).body("detail", containsString("at most 100"));
    }

    @Test
    void aRefusedPollDamagesNothing() {
        String user = unique("intact-");
        Publisher publisher = new Publisher(base);
        String cursor = poll(TestTokens.valid(user), Map.of()).getString("cursor");
        publisher.publish("user:" + user, new JsonObject().put("n", 1));
        as(TestTokens.valid(user)).queryParam("cursor", cursor).queryParam("limit", 0).get(PATH).then().statusCode(400);
        as(TestTokens.valid(user)).queryParam("cursor", cursor).queryParam("channel", "team:x").get(PATH).then().statusCode(403);
        assertEquals(List.of(1), poll(TestTokens.valid(user), Map.of("cursor", cursor)).getList("notifications.offset"));
    }
}
