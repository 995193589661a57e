package io.relay.transport.ws;

import static io.relay.RelayTestSupport.publisher;
import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/** Client ops, error frames that keep the connection open, and every close code. */
@QuarkusTest
class WsSessionTest {

    @TestHTTPResource("/")
    URI base;

    private WsTestClient connect(String user, String... grants) {
        WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user, grants)).connect();
        client.next("welcome");
        return client;
    }

    @Test
    void pingOpGetsPong() {
        try (WsTestClient client = connect(unique("p-"))) {
            client.send("{\"op\":\"ping\"}");
            client.next("pong");
        }
    }

    @Test
    void subscribeToAForbiddenChannelGetsAnErrorFrameAndStaysOpen() {
        try (WsTestClient client = connect(unique("f-"))) {
            client.send(new JsonObject().put("op", "subscribe").put("channel", "secret"));
            JsonObject error = client.next("error");
            assertEquals("forbidden", error.getString("code"));
            assertEquals("secret", error.getString("channel"));
            client.send(new JsonObject().put("op", "subscribe").put("channel", "user:somebody-else"));
            assertEquals("forbidden", client.next("error").getString("code"));
            client.send("{\"op\":\"ping\"}");
            client.next("pong");
        }
    }

    @Test
    void subscribingTwiceIsAnError() {
        String user = unique("twice-");
        try (WsTestClient client = connect(user)) {
            client.send(new JsonObject().put("op", "subscribe").put("channel", "user:" + user));
            assertEquals("already_subscribed", client.next("error").getString("code"));
        }
    }

    @Test
    void unsubscribeStopsDeliveryAndTheChannelCanBeSubscribedAgain() {
        String channel = unique("team:unsub-");
        try (WsTestClient client = connect(unique("un-"), "team:*")) {
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel));
            long offset = client.next("subscribed").getLong("offset");
            client.send(new JsonObject().put("op", "unsubscribe").put("channel", channel));
            assertEquals(channel, client.next("unsubscribed").getString("channel"));
            Publisher publisher = new Publisher(base);
            JsonObject missed = publisher.publish(channel, new JsonObject().put("n", 1));
            client.send("{\"op\":\"ping\"}");
            client.next("pong");
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel)
                    .put("epoch", Publisher.epoch(missed)).put("offset", offset));
            assertTrue(client.next("subscribed").getBoolean("recovered"));
            assertEquals(Publisher.offset(missed), client.next("notification").getLong("offset"));
        }
    }

    @Test
    void unsubscribingAChannelNotSubscribedIsAnError() {
        try (WsTestClient client = connect(unique("nu-"))) {
            client.send(new JsonObject().put("op", "unsubscribe").put("channel", "broadcast"));
            assertEquals("bad_request", client.next("error").getString("code"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "not json", "[]", "{}", "{\"op\":7}", "{\"op\":\"dance\"}", "{\"op\":\"subscribe\"}",
            "{\"op\":\"subscribe\",\"channel\":\"bad name\"}", "{\"op\":\"subscribe\",\"channel\":\"broadcast\",\"offset\":3}",
            "{\"op\":\"subscribe\",\"channel\":\"broadcast\",\"epoch\":\"e\",\"offset\":-1}",
            "{\"op\":\"subscribe\",\"channel\":\"broadcast\",\"epoch\":\"e\",\"offset\":\"3\"}",
            "{\"op\":\"refresh\"}", "{\"op\":\"unsubscribe\",\"channel\":5}" })
    void malformedOpsGetAnErrorFrameAndTheConnectionStaysOpen(String op) {
        try (WsTestClient client = connect(unique("m-"))) {
            client.send(op);
            assertEquals("bad_request", client.next("error").getString("code"));
            client.send("{\"op\":\"ping\"}");
            client.next("pong");
        }
    }

    @Test
    void binaryFrameCloses1003() {
        try (WsTestClient client = connect(unique("b-"))) {
            client.sendBinary(new byte[] { 1, 2, 3 });
            assertEquals(1003, client.closeCode());
        }
    }

    @Test
    void frameOverTheLimitCloses1009() {
        try (WsTestClient client = connect(unique("big-"))) {
            client.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(1009, client.closeCode());
        }
    }

    @Test
    void expiredTokenCloses4001() {
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.expiringIn(Duration.ofSeconds(2), unique("x-")))
                .connect()) {
            client.next("welcome");
            assertEquals(4001, client.closeCode());
        }
    }

    @Test
    void refreshKeepsTheConnectionPastTheFirstTokensExpiry() throws InterruptedException {
        String user = unique("refresh-");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.expiringIn(Duration.ofSeconds(2), user))
                .connect()) {
            client.next("welcome");
            client.send(new JsonObject().put("op", "refresh").put("token", TestTokens.valid(user)));
            assertNull(client.poll(Duration.ofSeconds(3)), "no close and no error");
            assertFalse(client.isClosed());
        }
    }

    @Test
    void refreshWithAnotherSubIsRefused() {
        try (WsTestClient client = connect(unique("mine-"))) {
            client.send(new JsonObject().put("op", "refresh").put("token", TestTokens.valid("somebody-else")));
            assertEquals("forbidden", client.next("error").getString("code"));
            client.send("{\"op\":\"ping\"}");
            client.next("pong");
        }
    }

    @Test
    void refreshWithAnInvalidTokenIsRefused() {
        try (WsTestClient client = connect(unique("inv-"))) {
            client.send(new JsonObject().put("op", "refresh").put("token", TestTokens.unsigned("inv")));
            assertEquals("bad_request", client.next("error").getString("code"));
        }
    }

    @Test
    void refreshThatLosesAGrantUnsubscribesThatChannel() {
        String user = unique("grant-");
        String channel = unique("team:g-");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user, "team:*")).channel(channel).connect()) {
            client.next("welcome");
            client.send(new JsonObject().put("op", "refresh").put("token", TestTokens.valid(user)));
            assertEquals(channel, client.next("unsubscribed").getString("channel"));
        }
    }

    @Test
    void peerThatAnswersNoPingIsClosed() throws Exception {
        String user = unique("silent-");
        try (RawPeer peer = RawPeer.connect(base, TestTokens.valid(user))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> presence("user:" + user) == 1);
            await().atMost(Duration.ofSeconds(15)).until(() -> presence("user:" + user) == 0);
            assertEquals(1001, peer.readUntilClose());
        }
    }

    @Test
    void disconnectApiCloses4003AndPresenceFollows() {
        String user = unique("gone-");
        try (WsTestClient one = connect(user); WsTestClient two = connect(user)) {
            given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                    .get("/api/v1/channels/user:" + user + "/presence").then().statusCode(200)
                    .body("channel", equalTo("user:" + user))
                    .body("connections", equalTo(2))
                    .body("users", contains(user));
            publisher().delete("/api/v1/users/" + user + "/connections").then().statusCode(200)
                    .body("closed", equalTo(2));
            assertEquals(4003, one.closeCode());
            assertEquals(4003, two.closeCode());
            await().atMost(Duration.ofSeconds(5)).until(() -> presence("user:" + user) == 0);
        }
    }

    @Test
    void controlEndpointsNeedThePublisherKey() {
        given().get("/api/v1/channels/broadcast/presence").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer " + TestTokens.valid("alice"))
                .delete("/api/v1/users/alice/connections").then().statusCode(401);
        publisher().get("/api/v1/channels/bad%20name/presence").then().statusCode(400)
                .contentType("application/problem+json");
    }

    private int presence(String channel) {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + channel + "/presence").then().statusCode(200)
                .extract().path("connections");
    }

    static double slowConsumerCloses() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("relay_slow_consumer_closes_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
