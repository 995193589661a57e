package io.relay.client;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;

/** The Java publisher client against the running service. */
@QuarkusTest
class RelayPublisherTest {

    @TestHTTPResource("/")
    URI base;

    private static List<Integer> retainedOffsets(String channel) {
        return given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + channel + "/history").then().statusCode(200).extract().path("notifications.offset");
    }

    @Test
    void publishesAndSaysWhereItLanded() throws Exception {
        String channel = unique("team:client-");
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        RelayPublisher.Published published = relay.publish(channel, "order.shipped", Map.of("orderId", 7));
        assertEquals(channel, published.channels().get(0).channel());
        assertEquals(1, published.channels().get(0).offset());
        assertFalse(published.replayed());
        Integer orderId = given().header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .get("/api/v1/channels/" + channel + "/history").then().extract().path("notifications[0].data.orderId");
        assertEquals(7, orderId);
        assertEquals(2, relay.publish(List.of(channel, unique("team:other-")), null, "x").channels().size());
    }

    @Test
    void aRetryAfterADroppedResponseIsDeliveredOnce() throws Exception {
        String channel = unique("team:dropped-");
        try (DroppingProxy proxy = new DroppingProxy(base)) {
            // HTTP/1.1: the first bytes back are then the publish's answer (no h2c upgrade in between)
            RelayPublisher relay = RelayPublisher.builder(proxy.uri(), TestTokens.PUBLISHER_KEY)
                    .httpClient(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build())
                    .backoff(Duration.ofMillis(50)).timeout(Duration.ofSeconds(5)).build();
            RelayPublisher.Published published = relay.publish(channel, "e", Map.of("n", 1));
            assertEquals(1, proxy.dropped(), "the first answer was lost");
            assertTrue(published.replayed(), "the retry was answered with the first result");
        }
        assertEquals(List.of(1), retainedOffsets(channel), "published exactly once");
    }

    @Test
    void publishesToUsersAndChannelsTogether() throws Exception {
        String team = unique("team:client-");
        String alice = unique("alice-");
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        RelayPublisher.Published published = relay.publish(
                RelayPublisher.Message.toChannels(List.of(team), "incident", Map.of("id", 42)).andUsers(List.of(alice, alice)));
        assertEquals(List.of(team, "user:" + alice), published.channels().stream().map(RelayPublisher.Published.Placement::channel).toList());
        assertEquals(List.of(1), retainedOffsets("user:" + alice));
    }

    @Test
    void publishesABatchAndTypesEachItemsRefusal() throws Exception {
        String channel = unique("team:batch-");
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        List<RelayPublisher.Outcome> outcomes = relay.publishBatch(List.of(
                RelayPublisher.Message.toChannels(List.of(channel), "a", 1),
                RelayPublisher.Message.toUsers(List.of("not a user id"), "b", 2),
                RelayPublisher.Message.toChannels(List.of(channel), "c", 3)));
        assertEquals(3, outcomes.size());
        assertEquals(1, outcomes.get(0).published().channels().get(0).offset());
        PublishException.Invalid invalid = assertInstanceOf(PublishException.Invalid.class, outcomes.get(1).refused());
        assertEquals("https://relay.dev/problems/invalid-request", invalid.type());
        assertTrue(invalid.getMessage().contains("users"));
        assertEquals(2, outcomes.get(2).published().channels().get(0).offset());
        assertEquals(List.of(1, 2), retainedOffsets(channel));
    }

    @Test
    void aBatchRetriedAfterADroppedResponseDeliversEachItemOnce() throws Exception {
        String channel = unique("team:batch-dropped-");
        try (DroppingProxy proxy = new DroppingProxy(base)) {
            RelayPublisher relay = RelayPublisher.builder(proxy.uri(), TestTokens.PUBLISHER_KEY)
                    .httpClient(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build())
                    .backoff(Duration.ofMillis(50)).timeout(Duration.ofSeconds(5)).build();
            List<RelayPublisher.Outcome> outcomes = relay.publishBatch(List.of(
                    RelayPublisher.Message.toChannels(List.of(channel), "a", 1),
                    RelayPublisher.Message.toChannels(List.of(channel), "b", 2)));
            assertEquals(1, proxy.dropped(), "the first answer was lost");
            assertTrue(outcomes.stream().allMatch(o -> o.published().replayed()), "each item was answered with its first result");
        }
        assertEquals(List.of(1, 2), retainedOffsets(channel), "each published exactly once, in order");
    }

    @Test
    void aBatchOfMoreThanAHundredItemsIsRefusedTyped() {
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        List<RelayPublisher.Message> messages = java.util.Collections.nCopies(101,
                RelayPublisher.Message.toChannels(List.of("broadcast"), null, 1));
        PublishException.Invalid invalid = assertThrows(PublishException.Invalid.class, () -> relay.publishBatch(messages));
        assertEquals(400, invalid.status());
    }

    @Test
    void aTtlBeyondRetentionIsRefusedTypedAndAFractionNeverLeaves() throws Exception {
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        String channel = unique("team:ttl-");
        RelayPublisher.Message message = RelayPublisher.Message.toChannels(List.of(channel), null, 1);
        PublishException.Invalid invalid = assertThrows(PublishException.Invalid.class,
                () -> relay.publish(message.withTtl(Duration.ofDays(31))));
        assertTrue(invalid.getMessage().contains("ttl"), invalid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> message.withTtl(Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> message.withTtl(Duration.ZERO));
        assertEquals(1, relay.publish(message.withTtl(Duration.ofDays(30))).channels().get(0).offset());
        assertEquals(List.of(1), retainedOffsets(channel), "only the publish within retention landed");
    }

    @Test
    void publishesToTheUsersInboxes() throws Exception {
        String alice = unique("alice-");
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        RelayPublisher.Published published = relay.publish(
                RelayPublisher.Message.toUsers(List.of(alice), "invoice.due", Map.of("n", 1)).withInbox());
        assertEquals(1, published.inboxStored());
        given().header("Authorization", "Bearer " + TestTokens.valid(alice)).get("/api/v1/inbox").then().statusCode(200)
                .body("items[0].id", equalTo(published.id()));
        assertEquals(null, relay.publish("team:" + alice, null, 1).inboxStored());
    }

    @Test
    void refusalsAreTypedAndNotRetried() {
        RelayPublisher wrongKey = RelayPublisher.builder(base, "not-a-key").build();
        PublishException.Unauthorized unauthorized = assertThrows(PublishException.Unauthorized.class,
                () -> wrongKey.publish("broadcast", null, 1));
        assertEquals("https://relay.dev/problems/unauthorized", unauthorized.type());
        RelayPublisher relay = RelayPublisher.builder(base, TestTokens.PUBLISHER_KEY).build();
        PublishException.Invalid invalid = assertThrows(PublishException.Invalid.class,
                () -> relay.publish("bad/name", null, 1));
        assertEquals(400, invalid.status());
        assertTrue(invalid.getMessage().contains("channel"));
        assertFalse(invalid.isRetryable());
    }

    @Test
    void anUnreachableRelayIsUnavailableAfterTheRetries() {
        RelayPublisher relay = RelayPublisher.builder(URI.create("http://127.0.0.1:1"), TestTokens.PUBLISHER_KEY)
                .attempts(2).backoff(Duration.ofMillis(10)).timeout(Duration.ofSeconds(2)).build();
        PublishException.Unavailable unavailable = assertThrows(PublishException.Unavailable.class,
                () -> relay.publish("broadcast", null, 1));
        assertTrue(unavailable.isRetryable());
    }
}
