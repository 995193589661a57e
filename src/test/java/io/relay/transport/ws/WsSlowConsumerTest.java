package io.relay.transport.ws;

import static io.relay.RelayTestSupport.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.relay.LargeHistoryProfile;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/**
 * A subscriber that stops reading is closed with 4002 once its outbound queue is full, and loses
 * nothing: it resumes from offset 0 and receives everything. History is large here so that all of
 * it is retained.
 */
@QuarkusTest
@TestProfile(LargeHistoryProfile.class)
class WsSlowConsumerTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void subscriberThatStopsReadingIsClosed4002AndResumesWithoutLoss() throws Exception {
        String user = unique("slow-");
        String channel = "user:" + user;
        double closesBefore = WsSessionTest.slowConsumerCloses();
        Publisher publisher = new Publisher(base);
        String pad = "x".repeat(60_000);
        String epoch;
        int published = 0;
        try (RawPeer peer = RawPeer.connect(base, TestTokens.valid(user))) {
            epoch = Publisher.epoch(publisher.publish(channel, new JsonObject().put("pad", pad)));
            published++;
            // The socket buffers hold a few MB before the server's own queue starts to fill.
            while (published < 900 && WsSessionTest.slowConsumerCloses() == closesBefore) {
                publisher.publish(channel, new JsonObject().put("pad", pad));
                published++;
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> WsSessionTest.slowConsumerCloses() > closesBefore);
            assertEquals(4002, peer.readUntilClose());
        }
        try (WsTestClient again = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            again.next("welcome");
            again.send(new JsonObject().put("op", "unsubscribe").put("channel", channel));
            again.next("unsubscribed");
            again.send(new JsonObject().put("op", "subscribe").put("channel", channel).put("epoch", epoch).put("offset", 0));
            JsonObject subscribed = again.next("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            assertEquals(published, subscribed.getLong("offset"));
            List<JsonObject> replay = again.notifications(published);
            for (int i = 0; i < published; i++) {
                assertEquals(i + 1, replay.get(i).getLong("offset"));
            }
        }
    }
}
