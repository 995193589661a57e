package io.relay.transport.ws;

import static io.relay.RelayTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.relay.Publisher;
import io.relay.TestTokens;
import io.vertx.core.json.JsonObject;

/** What subscribers receive: every notification, in order, once; and resume without gap or duplicate. */
@QuarkusTest
class WsDeliveryTest {

    private static final int HISTORY_SIZE = 50;

    @TestHTTPResource("/")
    URI base;

    @Test
    void deliversToThePersonalChannel() {
        String user = unique("alice-");
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            client.next("welcome");
            JsonObject published = new Publisher(base).publish("user:" + user, new JsonObject().put("orderId", 7));
            JsonObject notification = client.next("notification");
            assertEquals(published.getString("id"), notification.getString("id"));
            assertEquals("user:" + user, notification.getString("channel"));
            assertEquals(Publisher.epoch(published), notification.getString("epoch"));
            assertEquals(1, notification.getLong("offset"));
            assertEquals("test", notification.getString("event"));
            assertEquals(new JsonObject().put("orderId", 7), notification.getJsonObject("data"));
            assertNotNull(java.time.Instant.parse(notification.getString("time")));
        }
    }

    @Test
    void deliversDataAsPublished() {
        String user = unique("exact-");
        String data = "{\"price\":1.50,\"big\":12345678901234567890123,\"tiny\":1.0000000000000001,\"text\":\"caf\u00e9 \\\"q\\\"\",\"list\":[true,null]}";
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(user)).connect()) {
            client.next("welcome");
            io.relay.RelayTestSupport.publisher().body("{\"channel\":\"user:" + user + "\",\"data\":" + data + "}")
                    .post("/api/v1/notifications").then().statusCode(202);
            String raw = client.nextText();
            assertTrue(raw.startsWith("{\"type\":\"notification\""), raw);
            assertTrue(raw.contains("\"price\":1.50"), raw);
            assertTrue(raw.contains("\"big\":12345678901234567890123"), raw);
            assertTrue(raw.contains("\"tiny\":1.0000000000000001"), raw);
        }
    }

    @Test
    void nobodyElseReceivesAPersonalNotification() throws InterruptedException {
        String user = unique("u-");
        try (WsTestClient other = WsTestClient.to(base).token(TestTokens.valid(unique("other-"))).connect()) {
            other.next("welcome");
            new Publisher(base).publish("user:" + user, new JsonObject());
            assertNull(other.poll(Duration.ofMillis(300)));
        }
    }

    @Test
    void deliversInOrderExactlyOnceWithConcurrentPublishers() throws Exception {
        String channel = unique("team:load-");
        int publishers = 8;
        int each = 40;
        List<WsTestClient> subscribers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("s-"), "team:*"))
                        .channel(channel).connect();
                client.next("welcome");
                subscribers.add(client);
            }
            Publisher publisher = new Publisher(base);
            ExecutorService pool = Executors.newFixedThreadPool(publishers);
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int id = p;
                done.add(pool.submit(() -> {
                    for (int seq = 0; seq < each; seq++) {
                        publisher.publish(channel, new JsonObject().put("p", id).put("seq", seq));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            for (WsTestClient subscriber : subscribers) {
                List<JsonObject> received = subscriber.notifications(publishers * each);
                Map<Integer, Integer> nextSeq = new HashMap<>();
                for (int i = 0; i < received.size(); i++) {
                    JsonObject n = received.get(i);
                    assertEquals(i + 1, n.getLong("offset"), "offsets arrive dense and in order");
                    int p = n.getJsonObject("data").getInteger("p");
                    int seq = n.getJsonObject("data").getInteger("seq");
                    assertEquals(nextSeq.getOrDefault(p, 0), seq, "each publisher's notifications in its order, once");
                    nextSeq.put(p, seq + 1);
                }
                assertNull(subscriber.poll(Duration.ofMillis(200)), "nothing more");
            }
        } finally {
            subscribers.forEach(WsTestClient::close);
        }
    }

    @Test
    void resumesWithRecoveredTrue() {
        String channel = unique("team:resume-");
        Publisher publisher = new Publisher(base);
        JsonObject first = publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(channel, new JsonObject().put("n", 2));
        publisher.publish(channel, new JsonObject().put("n", 3));
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("r-"), "team:*")).connect()) {
            client.next("welcome");
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel)
                    .put("epoch", Publisher.epoch(first)).put("offset", 1));
            JsonObject subscribed = client.next("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            assertEquals(3, subscribed.getLong("offset"));
            assertEquals(List.of(2L, 3L), client.notifications(2).stream().map(n -> n.getLong("offset")).toList());
            publisher.publish(channel, new JsonObject().put("n", 4));
            assertEquals(4, client.next("notification").getLong("offset"));
        }
    }

    @Test
    void resumeAfterHistoryOverflowIsNotRecoveredAndGetsWhatIsRetained() {
        String channel = unique("team:overflow-");
        Publisher publisher = new Publisher(base);
        String epoch = Publisher.epoch(publisher.publish(channel, new JsonObject().put("n", 1)));
        int total = HISTORY_SIZE + 10;
        for (int n = 2; n <= total; n++) {
            publisher.publish(channel, new JsonObject().put("n", n));
        }
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("o-"), "team:*")).connect()) {
            client.next("welcome");
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel).put("epoch", epoch).put("offset", 1));
            JsonObject subscribed = client.next("subscribed");
            assertFalse(subscribed.getBoolean("recovered"));
            List<JsonObject> replay = client.notifications(HISTORY_SIZE);
            assertEquals(total - HISTORY_SIZE + 1, replay.get(0).getLong("offset"));
            assertEquals(total, replay.get(HISTORY_SIZE - 1).getLong("offset"));
        }
    }

    @Test
    void resumeFromAnUnknownEpochIsNotRecovered() {
        String channel = unique("team:epoch-");
        Publisher publisher = new Publisher(base);
        publisher.publish(channel, new JsonObject().put("n", 1));
        publisher.publish(channel, new JsonObject().put("n", 2));
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("e-"), "team:*")).connect()) {
            client.next("welcome");
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel).put("epoch", "gone").put("offset", 5));
            JsonObject subscribed = client.next("subscribed");
            assertFalse(subscribed.getBoolean("recovered"));
            assertEquals(List.of(1L, 2L), client.notifications(2).stream().map(n -> n.getLong("offset")).toList());
        }
    }

    /** Publishes keep coming while the resume reads history: the merge must leave no gap and no duplicate. */
    @RepeatedTest(5)
    void publishRacingAResumeLeavesNoGapAndNoDuplicate() throws Exception {
        String channel = unique("team:race-");
        Publisher publisher = new Publisher(base);
        String epoch = Publisher.epoch(publisher.publish(channel, new JsonObject().put("n", 1)));
        int total = 40;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (WsTestClient client = WsTestClient.to(base).token(TestTokens.valid(unique("race-"), "team:*")).connect()) {
            client.next("welcome");
            Future<?> publishing = pool.submit(() -> {
                for (int n = 2; n <= total; n++) {
                    publisher.publish(channel, new JsonObject().put("n", n));
                }
            });
            client.send(new JsonObject().put("op", "subscribe").put("channel", channel).put("epoch", epoch).put("offset", 1));
            JsonObject subscribed = client.next("subscribed");
            assertTrue(subscribed.getBoolean("recovered"));
            publishing.get(30, TimeUnit.SECONDS);
            Set<Long> seen = new HashSet<>();
            List<JsonObject> received = client.notifications(total - 1);
            for (int i = 0; i < received.size(); i++) {
                long offset = received.get(i).getLong("offset");
                assertEquals(i + 2, offset, "contiguous from the resume point");
                assertTrue(seen.add(offset));
            }
            assertNull(client.poll(Duration.ofMillis(200)), "no duplicate after the last one");
        } finally {
            pool.shutdownNow();
        }
    }
}
