package io.relay.subscribe;

import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.relay.Metrics;
import io.relay.TestTokens;
import io.relay.channel.ChannelName;
import io.relay.engine.Broker;
import io.relay.engine.PublishRequest;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * An event loop that falls behind holds at most {@code relay.limits.delivery-backlog} deliveries; the
 * ones dropped past it reach its subscribers from history, in order, none twice.
 */
@QuarkusTest
@TestProfile(DeliveryBacklogTest.SmallBacklog.class)
class DeliveryBacklogTest {

    public static class SmallBacklog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.limits.delivery-backlog", "3");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Broker broker;

    @Inject
    Vertx vertx;

    @Test
    void deliveriesDroppedByAFullBacklogArriveFromHistoryInOrder() throws Exception {
        String user = unique("behind-");
        ChannelName channel = ChannelName.of("user:" + user);
        double overflowsBefore = Metrics.sum("relay_delivery_overflows_total");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            client.next("welcome");
            try (EventLoopHold held = EventLoopHold.every(vertx)) {
                for (int i = 1; i <= 10; i++) {
                    broker.publish(new PublishRequest(UUID.randomUUID().toString(), List.of(channel), "n",
                            Integer.toString(i))).await().atMost(Duration.ofSeconds(5));
                }
            }
            List<Long> offsets = new ArrayList<>();
            List<String> data = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                JsonObject notification = client.next("notification");
                offsets.add(notification.getLong("offset"));
                data.add(notification.getValue("data").toString());
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), offsets);
            assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), data);
            assertNull(client.poll(Duration.ofMillis(300)), "nothing twice");
        }
        assertTrue(Metrics.sum("relay_delivery_overflows_total") >= overflowsBefore + 7, "the dropped deliveries are counted");
    }
}
