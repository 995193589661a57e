package io.relay.transport;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.ClientCursor;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.relay.transport.sse.SseTestClient;
import io.relay.transport.ws.WsTestClient;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;

/**
 * A position taken on any transport resumes on any other with exactly the rest, in order,
 * {@code recovered:true}; a position that history no longer covers gets what is retained and
 * {@code recovered:false}. (Test profile: 50 notifications retained per channel.)
 */
@QuarkusTest
class CrossTransportResumeTest {

    private static final int RETAINED = 50;
    /** How long a resumed stream is watched for anything after what it should replay. */
    private static final Duration NOTHING_MORE = Duration.ofMillis(200);

    @TestHTTPResource("/")
    URI base;

    enum Transport { WEBSOCKET, SSE, POLL, LONG_POLL }

    /** What a resume delivered: the channel's recovered flag and the offsets, in order. */
    record Resumed(boolean recovered, List<Long> offsets) {
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (Transport from : Transport.values()) {
            for (Transport to : Transport.values()) {
                pairs.add(Arguments.of(from, to));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void aPositionFromOneTransportResumesOnAnother(Transport from, Transport to) throws Exception {
        String user = unique("x-");
        String channel = "user:" + user;
        String cursor = positionAfterTwo(from, user);
        Publisher publisher = new Publisher(base);
        for (int n = 3; n <= 5; n++) {
            publisher.publish(channel, new JsonObject().put("n", n));
        }
        Resumed resumed = resume(to, user, cursor, 3);
        assertTrue(resumed.recovered());
        assertEquals(List.of(3L, 4L, 5L), resumed.offsets());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void afterHistoryOverflowGetsWhatIsRetainedAndRecoveredFalse(Transport to) throws Exception {
        String user = unique("overflow-");
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish("user:" + user, new JsonObject().put("n", 1));
        for (int n = 2; n <= RETAINED + 11; n++) {
            publisher.publish("user:" + user, new JsonObject().put("n", n));
        }
        String cursor = ClientCursor.at("user:" + user, Publisher.epoch(first), 1);
        Resumed resumed = resume(to, user, cursor, RETAINED);
        assertFalse(resumed.recovered());
        assertEquals(LongStream.rangeClosed(12, RETAINED + 11).boxed().toList(), resumed.offsets());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void afterAnEpochChangeGetsWhatIsRetainedAndRecoveredFalse(Transport to) throws Exception {
        String user = unique("epoch-");
        Publisher publisher = new Publisher(base);
        for (int n = 1; n <= 2; n++) {
            publisher.publish("user:" + user, new JsonObject().put("n", n));
        }
        Resumed resumed = resume(to, user, ClientCursor.at("user:" + user, "an-older-epoch", 2), 2);
        assertFalse(resumed.recovered());
        assertEquals(List.of(1L, 2L), resumed.offsets());
    }

    @Test
    void aWebSocketResumesSeveralChannelsFromOneCursor() throws InterruptedException {
        String user = unique("ws-multi-");
        String team = unique("team:ws-multi-");
        Publisher publisher = new Publisher(base);
        JsonObject personal = publisher.publish("user:" + user, new JsonObject().put("n", 1));
        JsonObject shared = publisher.publish(team, new JsonObject().put("n", 1));
        publisher.publish("user:" + user, new JsonObject().put("n", 2));
        publisher.publish(team, new JsonObject().put("n", 2));
        String cursor = ClientCursor.of("v1\nuser:" + user + " " + Publisher.epoch(personal) + " 1\n"
                + team + " " + Publisher.epoch(shared) + " 1");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user, "team:*")).query("cursor", cursor).connect()) {
            JsonObject welcome = client.next("welcome");
            assertEquals(2, welcome.getJsonArray("channels").size());
            List<JsonObject> replay = client.notifications(2);
            assertEquals(List.of("user:" + user, team), replay.stream().map(n -> n.getString("channel")).toList());
            assertEquals(List.of(2L, 2L), replay.stream().map(n -> n.getLong("offset")).toList());
            assertNull(client.poll(NOTHING_MORE), "nothing twice");
        }
    }

    /** Takes, on {@code transport}, a position covering offsets 1 and 2 of the user's channel. */
    private String positionAfterTwo(Transport transport, String user) throws Exception {
        String token = TestTokens.valid(user);
        String channel = "user:" + user;
        Publisher publisher = new Publisher(base);
        switch (transport) {
            case WEBSOCKET -> {
                try (WsTestClient client = WsTestClient.to(base).token(token).connect()) {
                    client.next("welcome");
                    publishTwo(publisher, channel);
                    JsonObject last = client.notifications(2).get(1);
                    return ClientCursor.at(channel, last.getString("epoch"), last.getLong("offset"));
                }
            }
            case SSE -> {
                try (SseTestClient stream = SseTestClient.open(base, "/api/v1/notifications/stream",
                        "Authorization", "Bearer " + token)) {
                    stream.next("welcome");
                    publishTwo(publisher, channel);
                    return stream.notifications(2).get(1).id();
                }
            }
            case POLL, LONG_POLL -> {
                String start = poll("/api/v1/notifications", token, null).getString("cursor");
                publishTwo(publisher, channel);
                String path = transport == Transport.POLL ? "/api/v1/notifications" : "/api/v1/notifications/long-poll";
                JsonPath answer = poll(path, token, start);
                assertEquals(List.of(1, 2), answer.getList("notifications.offset"));
                return answer.getString("cursor");
            }
            default -> throw new IllegalArgumentException();
        }
    }

    private Resumed resume(Transport transport, String user, String cursor, int expected) throws Exception {
        String token = TestTokens.valid(user);
        switch (transport) {
            case WEBSOCKET -> {
                try (WsTestClient client = WsTestClient.to(base).token(token).query("cursor", cursor).connect()) {
                    JsonObject start = client.next("welcome").getJsonArray("channels").getJsonObject(0);
                    List<Long> offsets = client.notifications(expected).stream().map(n -> n.getLong("offset")).toList();
                    assertNull(client.poll(NOTHING_MORE), "nothing twice");
                    return new Resumed(start.getBoolean("recovered"), offsets);
                }
            }
            case SSE -> {
                try (SseTestClient stream = SseTestClient.open(base, "/api/v1/notifications/stream",
                        "Authorization", "Bearer " + token, "Last-Event-ID", cursor)) {
                    JsonObject start = stream.next("welcome").json().getJsonArray("channels").getJsonObject(0);
                    List<Long> offsets = stream.notifications(expected).stream()
                            .map(e -> e.json().getLong("offset")).toList();
                    assertNull(stream.poll(NOTHING_MORE), "nothing twice");
                    return new Resumed(start.getBoolean("recovered"), offsets);
                }
            }
            case POLL, LONG_POLL -> {
                String path = transport == Transport.POLL ? "/api/v1/notifications" : "/api/v1/notifications/long-poll";
                JsonPath answer = poll(path, token, cursor);
                List<Long> offsets = answer.getList("notifications.offset", Long.class);
                return new Resumed(answer.getBoolean("recovered"), offsets);
            }
            default -> throw new IllegalArgumentException();
        }
    }

    private static void publishTwo(Publisher publisher, String channel) {
        publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(channel, new JsonObject().put("n", 2));
    }

    private static JsonPath poll(String path, String token, String cursor) {
        var request = given().header("Authorization", "Bearer " + token);
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        if (path.endsWith("/long-poll")) {
            request.queryParam("timeout", 5);
        }
        return request.get(path).then().statusCode(200).extract().jsonPath();
    }
}
