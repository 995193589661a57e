package io.relay.engine.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.relay.engine.redis.ReplicaPair.metric;
import static io.relay.engine.redis.ReplicaPair.publish;
import static io.relay.engine.redis.ReplicaPair.token;
import static io.relay.engine.redis.ReplicaPair.unique;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.relay.RelayProcess;
import io.relay.transport.ws.WsTestClient;
import io.vertx.core.json.JsonObject;

/**
 * The no-gap rule under Redis fan-out faults: two replicas of the packaged application on one real
 * redis-server, whose Pub/Sub connections the tests kill ({@code CLIENT KILL TYPE pubsub}) while
 * subscribers come and go and publishers publish. Each subscriber keeps a record of what it was given,
 * checked on the test thread at the end: every offset once, in order, or a {@code recovered:false}
 * that its resume reported.
 */
class FanoutFaultsIT {

    /** How long the faults last; the issue asks for at least a minute. */
    private static final Duration FAULTS = Duration.ofSeconds(Long.getLong("faults.seconds", 60));
    private static ReplicaPair pair;
    private static RedisServer redis;
    private static RelayProcess a;
    private static RelayProcess b;

    @BeforeAll
    static void start() throws Exception {
        pair = ReplicaPair.start("RELAY_LIMITS_MAX_CONNECTIONS_PER_USER", "500");
        redis = pair.redis;
        a = pair.a;
        b = pair.b;
    }

    @AfterAll
    static void stop() throws Exception {
        pair.close();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a minute of faults, then every record's catch-up
    void subscribersComingAndGoingMissNothingWhilePubSubConnectionsAreKilled() throws Exception {
        String prefix = "chaos-" + UUID.randomUUID().toString().substring(0, 6) + ":";
        List<String> channels = List.of(prefix + "0", prefix + "1", prefix + "2");
        Map<String, Long> published = new ConcurrentHashMap<>();
        List<String> publishFailures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(new Record(unique("chaos-sub-"), prefix, channels));
        }
        // and one subscriber per replica that stays through every fault: only the catch-up brings it what a blip lost
        List<Record> stayers = List.of(new Record(unique("chaos-stay-"), prefix, channels),
                new Record(unique("chaos-stay-"), prefix, channels));
        Map<Record, WsTestClient> held = new LinkedHashMap<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Record record : records) {
                running.add(threads.submit(() -> comeAndGo(record, stop)));
            }
            for (Record stayer : stayers) {
                WsTestClient ws = stayer.connect(held.isEmpty() ? a : b);
                held.put(stayer, ws);
                running.add(threads.submit(() -> {
                    stayer.follow(ws, () -> !stop.get());
                    return null;
                }));
            }
            for (int p = 0; p < 2; p++) {
                running.add(threads.submit(() -> publishUntil(stop, channels, published, publishFailures)));
            }
            long end = System.nanoTime() + FAULTS.toNanos();
            while (System.nanoTime() < end) {
                TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(100, 1200)); // the faults' own rhythm
                redis.command("CLIENT", "KILL", "TYPE", "pubsub");
                kills.incrementAndGet();
            }
            stop.set(true);
            for (Future<?> task : running) {
                task.get(60, TimeUnit.SECONDS);
            }
            for (Record record : records) {
                record.catchUpTo(published);
            }
            for (Map.Entry<Record, WsTestClient> stayer : held.entrySet()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                stayer.getKey().follow(stayer.getValue(), () -> System.nanoTime() < deadline && !stayer.getKey().reached(published));
                for (String channel : channels) {
                    assertEquals(published.get(channel), stayer.getKey().offset(channel),
                            stayer.getKey().user + " reached the end of " + channel + " on the connection it held");
                }
            }
            for (Record record : records) {
                assertEquals(List.of(), record.violations, record.user + " was given every offset once, in order, and never an error");
            }
            for (Record stayer : stayers) {
                assertEquals(List.of(), stayer.violations, stayer.user + " was given every offset once, in order, and never an error");
            }
        } finally {
            stop.set(true);
            threads.shutdownNow();
            held.values().forEach(WsTestClient::close);
        }
        assertTrue(kills.get() >= FAULTS.toSeconds(), "faults injected: " + kills.get());
        assertEquals(List.of(), publishFailures, "publishes while only Pub/Sub fails");
        long total = published.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total >= FAULTS.toSeconds() * 20, "published " + total);
        for (Record record : records) {
            for (String channel : channels) {
                assertEquals(published.get(channel), record.offset(channel), record.user + " reached the end of " + channel);
            }
            assertTrue(record.sessions.get() >= 10, record.user + " came and went: " + record.sessions.get()
                    + " (subscribes answered unavailable and retried: " + record.refusedSubscribes.get() + ")");
        }
    }

    @Test
    void aSubscribeRefusedAfterAReconnectIsRetried() throws Exception {
        String user = unique("acl-");
        String channel = "user:" + user;
        try (WsTestClient ws = WsTestClient.to(a.base()).token(token(user)).connect()) {
            ws.next("welcome");
            publish(b, List.of(channel), 1);
            assertEquals(1, ws.next("notification").getLong("offset"));
            double lostBefore = metric(a, "relay_engine_errors_total{operation=\"fanout\"}");
            redis.command("ACL", "SETUSER", "default", "-subscribe");
            try {
                redis.command("CLIENT", "KILL", "TYPE", "pubsub");
                publish(b, List.of(channel), 2);
                // the replica reconnects, its SUBSCRIBE is refused, and it starts over, again and again
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> metric(a, "relay_engine_errors_total{operation=\"fanout\"}") >= lostBefore + 3);
            } finally {
                redis.command("ACL", "SETUSER", "default", "+subscribe");
            }
            assertEquals(2, ws.next("notification").getLong("offset"), "caught up once subscribed again");
            publish(b, List.of(channel), 3);
            assertEquals(3, ws.next("notification").getLong("offset"));
            assertFalse(ws.isClosed());
        }
    }

    @Test
    void theSubscribersOfOneChannelShareOneCatchUpRead() throws Exception {
        String user = unique("crowd-");
        String channel = "room-" + UUID.randomUUID().toString().substring(0, 6) + ":lobby";
        List<WsTestClient> crowd = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                WsTestClient ws = WsTestClient.to(a.base()).token(token(user, channel)).channel(channel).connect();
                crowd.add(ws);
                ws.next("welcome");
            }
            publish(b, List.of(channel), 1);
            for (WsTestClient ws : crowd) {
                assertEquals(1, ws.next("notification").getLong("offset"));
            }
            double readsBefore = metric(a, "relay_catch_up_reads_total");
            redis.command("CLIENT", "KILL", "TYPE", "pubsub");
            publish(b, List.of(channel), 2);
            for (WsTestClient ws : crowd) {
                assertEquals(2, ws.next("notification").getLong("offset"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(a, "relay_catch_up_reads_total") > readsBefore);
            double reads = metric(a, "relay_catch_up_reads_total") - readsBefore;
            // two channels (the room and the user's own); per channel one read for the blip, and at most one more
            // for whatever was asked while it ran: not one per subscriber
            assertTrue(reads >= 2 && reads <= 4, "catch-up reads for 100 subscribers of one channel: " + reads);
            publish(b, List.of(channel), 3);
            for (WsTestClient ws : crowd) {
                assertEquals(3, ws.next("notification").getLong("offset"), "nothing twice: 3 follows 2");
            }
        } finally {
            crowd.forEach(WsTestClient::close);
        }
    }

    /** One subscriber's life: connect to either replica, resume, stay a little, leave; again until told to stop. */
    private static void comeAndGo(Record record, AtomicBoolean stop) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            RelayProcess replica = random.nextBoolean() ? a : b;
            try (WsTestClient ws = record.connect(replica)) {
                record.sessions.incrementAndGet();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextLong(200, 2000));
                record.follow(ws, () -> System.nanoTime() < until);
            } catch (AssertionError | RuntimeException | InterruptedException failed) {
                record.violations.add("session on " + replica.base() + " failed: " + failed);
            }
        }
    }

    private static void publishUntil(AtomicBoolean stop, List<String> channels, Map<String, Long> published,
            List<String> failures) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = 0;
        while (!stop.get()) {
            List<String> targets = random.nextInt(5) == 0 ? channels.subList(0, 2)
                    : List.of(channels.get(random.nextInt(channels.size())));
            try {
                HttpResponse<String> response = publish(random.nextBoolean() ? a : b, targets, ++n);
                if (response.statusCode() != 202) {
                    failures.add(response.statusCode() + " " + response.body());
                    continue;
                }
                for (Object placement : new JsonObject(response.body()).getJsonArray("channels")) {
                    JsonObject at = (JsonObject) placement;
                    published.merge(at.getString("channel"), at.getLong("offset"), Math::max);
                }
                TimeUnit.MILLISECONDS.sleep(random.nextLong(5, 40)); // a publisher's pace, not a wait for anything
            } catch (Exception e) {
                failures.add(e.toString());
            }
        }
    }

    /** What one subscriber was given, per channel; frames are fed in on its own thread, read by the test at the end. */
    private static final class Record {
        final String user;
        final String prefix;
        final List<String> channels;
        final Map<String, JsonObject> positions = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger sessions = new AtomicInteger();
        /** Subscribe ops answered unavailable (the fan-out was down): the protocol's "retry", which the record does. */
        final AtomicInteger refusedSubscribes = new AtomicInteger();

        Record(String user, String prefix, List<String> channels) {
            this.user = user;
            this.prefix = prefix;
            this.channels = channels;
        }

        /** The first two channels come with the handshake (by cursor once known), the third by op. */
        WsTestClient connect(RelayProcess replica) {
            WsTestClient.Builder builder = WsTestClient.to(replica.base()).token(token(user, prefix + "*"));
            StringBuilder cursor = new StringBuilder("v1");
            for (String channel : channels.subList(0, 2)) {
                JsonObject at = positions.get(channel);
                if (at == null) {
                    builder.channel(channel);
                } else {
                    cursor.append('\n').append(channel).append(' ').append(at.getString("epoch")).append(' ')
                            .append(at.getLong("offset"));
                }
            }
            if (!cursor.toString().equals("v1")) {
                builder.query("cursor", io.relay.ClientCursor.of(cursor.toString()));
            }
            return builder.connect();
        }

        /** Takes the session's frames while {@code stay} holds and the server keeps it open. */
        void follow(WsTestClient ws, java.util.function.BooleanSupplier stay) throws InterruptedException {
            while (stay.getAsBoolean() && !ws.isClosed()) {
                JsonObject frame = ws.poll(Duration.ofMillis(20));
                if (frame == null) {
                    continue;
                }
                String type = take(frame);
                if ("error".equals(type) && "unavailable".equals(frame.getString("code"))) {
                    refusedSubscribes.incrementAndGet();
                }
                if ("welcome".equals(type) || ("error".equals(type) && "unavailable".equals(frame.getString("code")))) {
                    // the third channel by op, with its position: a subscribe in flight during a fault; retried when refused
                    ws.send(subscribeOp(channels.get(2)));
                } else if ("error".equals(type)) {
                    violations.add("error frame " + frame.encode());
                }
            }
            if (ws.isClosed()) {
                // history is large enough and never flushed here: no close of the relay's (1001 reset, 4002 backlog) is expected
                violations.add("closed by the relay with " + ws.closeCode());
            }
            JsonObject frame;
            while ((frame = ws.poll(Duration.ZERO)) != null) {
                take(frame);
            }
        }

        private JsonObject subscribeOp(String channel) {
            JsonObject op = new JsonObject().put("op", "subscribe").put("channel", channel);
            JsonObject at = positions.get(channel);
            if (at != null) {
                op.put("epoch", at.getString("epoch")).put("offset", at.getLong("offset"));
            }
            return op;
        }

        private String take(JsonObject frame) {
            String type = frame.getString("type");
            switch (type) {
                case "welcome" -> {
                    for (Object start : frame.getJsonArray("channels")) {
                        started((JsonObject) start);
                    }
                }
                case "subscribed" -> started(frame);
                case "notification" -> given(frame);
                default -> {
                }
            }
            return type;
        }

        private void started(JsonObject start) {
            String channel = start.getString("channel");
            if (!channels.contains(channel)) {
                return;
            }
            JsonObject at = new JsonObject().put("epoch", start.getString("epoch")).put("offset", start.getLong("offset"));
            if (!positions.containsKey(channel)) {
                positions.put(channel, at);
            } else if (!start.getBoolean("recovered")) {
                // a relay that gave up recovery would otherwise pass "missed nothing": no reset is expected here
                violations.add(channel + ": resume from " + positions.get(channel).encode() + " reported recovered:false at " + at.encode());
                positions.put(channel, at);
            }
        }

        private void given(JsonObject notification) {
            String channel = notification.getString("channel");
            if (!channels.contains(channel)) {
                return;
            }
            JsonObject at = positions.get(channel);
            long offset = notification.getLong("offset");
            if (at == null) {
                violations.add(channel + ": notification " + offset + " before its start");
                return;
            }
            // a channel that had no history ("0", 0) begins its first epoch at offset 1
            boolean first = at.getLong("offset") == 0 && offset == 1;
            if (!first) {
                if (!at.getString("epoch").equals(notification.getString("epoch"))) {
                    violations.add(channel + ": epoch " + at.getString("epoch") + " -> " + notification.getString("epoch"));
                } else if (offset != at.getLong("offset") + 1) {
                    violations.add(channel + ": after " + at.getLong("offset") + " came " + offset);
                }
            }
            positions.put(channel, new JsonObject().put("epoch", notification.getString("epoch")).put("offset", offset));
        }

        long offset(String channel) {
            JsonObject at = positions.get(channel);
            return at == null ? -1 : at.getLong("offset");
        }

        /** Once the faults stopped: resume until every channel's last published offset was given. */
        void catchUpTo(Map<String, Long> published) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !reached(published)) {
                try (WsTestClient ws = connect(a)) {
                    follow(ws, () -> System.nanoTime() < deadline && !reached(published));
                }
            }
        }

        boolean reached(Map<String, Long> published) {
            return channels.stream().allMatch(channel -> offset(channel) >= published.getOrDefault(channel, 0L));
        }
    }
}
