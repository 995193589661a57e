package io.relay.publish;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.ClientCursor;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.relay.engine.memory.MemoryChannels;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/** {@code GET /api/v1/channels/{channel}/history}: a publisher reads what a channel retains. (Test profile: 50.) */
@QuarkusTest
class ChannelHistoryTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    MemoryChannels channels;

    private static RequestSpecification publisherKey() {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY);
    }

    private static JsonPath history(String channel, String cursor, Integer limit) {
        RequestSpecification request = publisherKey();
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        if (limit != null) {
            request.queryParam("limit", limit);
        }
        return request.get("/api/v1/channels/" + channel + "/history").then().statusCode(200)
                .contentType("application/json").extract().jsonPath();
    }

    @Test
    void aChannelWithNoHistoryIsAtEpochZeroAndItsCursorRecoversItsFirstNotifications() {
        String channel = unique("team:empty-");
        int held = channels.size();
        JsonPath empty = history(channel, null, null);
        assertEquals(List.of(), empty.getList("notifications"));
        assertEquals(ClientCursor.of("v1\n" + channel + " 0 0"), empty.getString("cursor"));
        assertTrue(channels.size() <= held, "reading created no channel");
        new Publisher(base).publish(channel, new JsonObject().put("n", 1));
        JsonPath after = history(channel, empty.getString("cursor"), null);
        assertEquals(List.of(1), after.getList("notifications.offset"));
        assertTrue(after.getBoolean("recovered"));
    }

    @Test
    void pagesThroughEverythingRetainedOldestFirst() {
        String channel = unique("team:history-");
        Publisher publisher = new Publisher(base);
        for (int n = 1; n <= 5; n++) {
            publisher.publish(channel, new JsonObject().put("n", n));
        }
        JsonPath first = history(channel, null, 3);
        assertEquals(List.of(1, 2, 3), first.getList("notifications.offset"));
        assertTrue(first.getBoolean("more"));
        JsonPath second = history(channel, first.getString("cursor"), 3);
        assertEquals(List.of(4, 5), second.getList("notifications.offset"));
        assertFalse(second.getBoolean("more"));
        assertTrue(second.getBoolean("recovered"));
        assertEquals(List.of(), history(channel, second.getString("cursor"), null).getList("notifications"));
    }

    @Test
    void continuesFromAPositionASubscriberHad() {
        String channel = unique("team:history-");
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(channel, new JsonObject().put("n", 2));
        JsonPath page = history(channel, ClientCursor.at(channel, Publisher.epoch(first), 1), null);
        assertEquals(List.of(2), page.getList("notifications.data.n"));
    }

    @Test
    void saysWhenThePositionIsNoLongerRetained() {
        String channel = unique("team:history-");
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish(channel, new JsonObject().put("n", 1));
        for (int n = 2; n <= 60; n++) {
            publisher.publish(channel, new JsonObject().put("n", n));
        }
        JsonPath page = history(channel, ClientCursor.at(channel, Publisher.epoch(first), 1), 1000);
        assertFalse(page.getBoolean("recovered"));
        assertEquals(IntStream.rangeClosed(11, 60).boxed().toList(), page.getList("notifications.offset"));
    }

    @Test
    void needsThePublisherKey() {
        given().get("/api/v1/channels/broadcast/history").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer " + TestTokens.valid("alice")).get("/api/v1/channels/broadcast/history")
                .then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = { "limit=0", "limit=1001", "limit=many", "cursor=garbage", "cursor=" })
    void refusesBadParameters(String query) {
        publisherKey().urlEncodingEnabled(false).get("/api/v1/channels/broadcast/history?" + query).then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://relay.dev/problems/invalid-request"));
    }

    @Test
    void refusesACursorForAnotherChannelAndAnInvalidName() {
        publisherKey().queryParam("cursor", ClientCursor.at("team:other", "abc", 1))
                .get("/api/v1/channels/broadcast/history").then().statusCode(400);
        publisherKey().get("/api/v1/channels/bad%2Fname/history").then().statusCode(400);
    }
}
