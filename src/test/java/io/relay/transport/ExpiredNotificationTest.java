package io.relay.transport;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.ClientCursor;
import io.relay.Publisher;
import io.relay.ShiftedClock;
import io.relay.TestTokens;
import io.relay.client.RelayPublisher;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * A notification whose {@code ttl} has passed is out of retention: no transport replays it, its offset
 * is skipped, the resume still reports {@code recovered:true}, and what follows it is delivered. The
 * relay's clock is moved ahead instead of waiting for the ttl.
 */
@QuarkusTest
@TestProfile(ExpiredNotificationTest.Shifted.class)
class ExpiredNotificationTest {

    public static class Shifted implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ShiftedClock.class);
        }
    }

    private static final Duration NOTHING_MORE = Duration.ofMillis(200);

    @TestHTTPResource("/")
    URI base;

    enum Transport { WEBSOCKET, SSE, POLL, LONG_POLL }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aResumeSkipsExpiredNotificationsAndStaysRecovered(Transport transport) throws Exception {
        String user = unique("ttl-");
        String channel = "user:" + user;
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(withTtl(channel, 2, 60));
        publisher.publish(channel, new JsonObject().put("n", 3));
        publisher.publish(withTtl(channel, 4, 60));
        publisher.publish(withTtl(channel, 5, 3600));
        ShiftedClock.advance(Duration.ofSeconds(61));

        String cursor = ClientCursor.at(channel, Publisher.epoch(first), 1);
        String token = TestTokens.valid(user);
        switch (transport) {
            case WEBSOCKET -> {
                try (WsTestClient client = WsTestClient.to(base).token(token).query("cursor", cursor).connect()) {
                    assertTrue(client.next("welcome").getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
                    assertEquals(List.of(3L, 5L), client.notifications(2).stream().map(n -> n.getLong("offset")).toList());
                    assertNull(client.poll(NOTHING_MORE), "nothing more");
                }
            }
            case SSE -> {
                try (SseTestClient stream = SseTestClient.open(base, "/api/v1/notifications/stream",
                        "Authorization", "Bearer " + token, "Last-Event-ID", cursor)) {
                    assertTrue(stream.next("welcome").json().getJsonArray("channels").getJsonObject(0).getBoolean("recovered"));
                    assertEquals(List.of(3L, 5L), stream.notifications(2).stream().map(e -> e.json().getLong("offset")).toList());
                    assertNull(stream.poll(NOTHING_MORE), "nothing more");
                }
            }
            case POLL, LONG_POLL -> {
                JsonPath answer = poll(transport, token, cursor, 100);
                assertTrue(answer.getBoolean("recovered"));
                assertEquals(List.of(3L, 5L), answer.getList("notifications.offset", Long.class));
                assertFalse(answer.getBoolean("more"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"POLL", "LONG_POLL"})
    void aPageOfExpiredNotificationsMovesThePollCursorPastThem(Transport transport) {
        String user = unique("ttl-page-");
        String channel = "user:" + user;
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(withTtl(channel, 2, 30));
        publisher.publish(withTtl(channel, 3, 30));
        publisher.publish(channel, new JsonObject().put("n", 4));
        ShiftedClock.advance(Duration.ofSeconds(31));

        String token = TestTokens.valid(user);
        JsonPath expired = poll(transport, token, ClientCursor.at(channel, Publisher.epoch(first), 1), 2);
        assertEquals(List.of(), expired.getList("notifications"));
        assertTrue(expired.getBoolean("more"), "the limit cut the page: the rest follows");
        JsonPath rest = poll(transport, token, expired.getString("cursor"), 2);
        assertEquals(List.of(4L), rest.getList("notifications.offset", Long.class));
        assertFalse(rest.getBoolean("more"));
    }

    @Test
    void aNotificationWithinItsTtlIsDeliveredLiveAndReplayed() throws Exception {
        String user = unique("ttl-live-");
        String channel = "user:" + user;
        Publisher publisher = new Publisher(base);
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            client.next("welcome");
            JsonObject published = publisher.publish(withTtl(channel, 1, 60));
            assertEquals(1L, client.notifications(1).get(0).getLong("offset"));
            JsonPath replay = poll(Transport.POLL, TestTokens.valid(user),
                    ClientCursor.at(channel, Publisher.epoch(published), 0), 100);
            assertEquals(List.of(1L), replay.getList("notifications.offset", Long.class));
        }
    }

    @Test
    void aTtlGivenThroughTheJavaPublisherExpiresTheNotification() throws Exception {
        String channel = unique("team:ttl-client-");
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        relay.publish(RelayPublisher.Message.toChannels(List.of(channel), null, 1).withTtl(Duration.ofSeconds(20)));
        relay.publish(channel, null, 2);
        assertEquals(List.of(1L, 2L), history(channel).getList("notifications.offset", Long.class));
        ShiftedClock.advance(Duration.ofSeconds(21));
        assertEquals(List.of(2L), history(channel).getList("notifications.offset", Long.class));
    }

    @Test
    void theChannelHistoryListsNoExpiredNotification() {
        String channel = unique("ttl-history-");
        Publisher publisher = new Publisher(base);
        publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(withTtl(channel, 2, 45));
        ShiftedClock.advance(Duration.ofSeconds(46));
        JsonPath history = history(channel);
        assertEquals(List.of(1L), history.getList("notifications.offset", Long.class));
        assertEquals(2L, ClientCursor.offset(history.getString("cursor"), channel), "the cursor moves past it");
    }

    private static JsonPath history(String channel) {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + channel + "/history").then().statusCode(200).extract().jsonPath();
    }

    private static JsonObject withTtl(String channel, int n, int ttlSeconds) {
        return new JsonObject().put("channel", channel).put("data", new JsonObject().put("n", n)).put("ttl", ttlSeconds);
    }

    private static JsonPath poll(Transport transport, String token, String cursor, int limit) {
        var request = given().header("Authorization", "Bearer " + token).queryParam("cursor", cursor)
                .queryParam("limit", limit);
        String path = "/api/v1/notifications";
        if (transport == Transport.LONG_POLL) {
            path += "/long-poll";
            request.queryParam("timeout", 1);
        }
        return request.get(path).then().statusCode(200).extract().jsonPath();
    }
}
