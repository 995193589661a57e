package io.relay.subscribe;

import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.RepeatedTest;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.TestTokens;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Ops that race a subscription's first history read are answered in the order they were sent. */
@QuarkusTest
class SubscribeRaceTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @RepeatedTest(3)
    void anUnsubscribeDuringTheFirstReadIsNotFollowedByAStaleSubscribed() throws Exception {
        String user = unique("racer-");
        String channel = "team:" + unique("t");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user, "team:*")).connect()) {
            client.next("welcome");
            try (EventLoopHold held = EventLoopHold.every(vertx)) {
                // queued behind the held loop, so that both ops are read in one turn, before the read completes
                client.send(new JsonObject().put("op", "subscribe").put("channel", channel));
                client.send(new JsonObject().put("op", "unsubscribe").put("channel", channel));
                client.send(new JsonObject().put("op", "ping"));
            }
            List<String> types = new ArrayList<>();
            String type;
            do {
                JsonObject frame = client.next();
                type = frame.getString("type");
                types.add(type);
            } while (!"pong".equals(type));
            JsonObject late = client.poll(Duration.ofMillis(500));
            assertNull(late, "nothing after the pong: " + late);
            assertTrue(types.equals(List.of("unsubscribed", "pong")) || types.equals(List.of("subscribed", "unsubscribed", "pong")),
                    "answered in the order asked: " + types);
        }
    }
}
