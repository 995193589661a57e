package io.relay.client;

import static io.relay.RelayTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
