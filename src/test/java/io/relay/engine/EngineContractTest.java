package io.relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.smallrye.mutiny.Uni;

/**
 * The behaviour every engine owes the subscription service: offsets, ordering, atomic multi-channel
 * publishes, recovery, retention and idempotency. Each engine's test extends this class.
 */
public abstract class EngineContractTest {

    protected static final int HISTORY_SIZE = 10;
    protected static final Duration TTL = Duration.ofMinutes(5);
    /** Each engine's idempotency store remembers at most this many keys. */
    protected static final int MAX_IDEMPOTENCY_KEYS = 5;
    private static final Duration WAIT = Duration.ofSeconds(10);

    protected final MutableClock clock = new MutableClock();
    protected final List<Notification> delivered = Collections.synchronizedList(new ArrayList<>());
    protected Engine engine;

    /** The roles of one engine instance, built on {@code clock}, delivering to {@code listener}. */
    public record Engine(Broker broker, History history, IdempotencyStore idempotency, AutoCloseable resources) {
    }

    protected abstract Engine create(NotificationListener listener);

    /** Lets the history TTL pass: the memory engine's clock moves; Redis's own expiry is awaited. */
    protected void passTtl() {
        clock.advance(TTL.plusSeconds(1));
    }

    /** This test now listens to the channels, as a replica with subscribers does. */
    protected void listen(String... channels) {
        for (String channel : channels) {
            engine.broker().subscribe(ChannelName.of(channel)).await().atMost(WAIT);
        }
    }

    private void awaitDelivered(long count, java.util.function.Predicate<Notification> which) {
        org.awaitility.Awaitility.await().atMost(WAIT)
                .until(() -> delivered.stream().filter(which).count() >= count);
    }

    @BeforeEach
    void startEngine() {
        engine = create(delivered::add);
    }

    @AfterEach
    void stopEngine() throws Exception {
        engine.resources().close();
    }

    protected PublishResult publish(String data, String... channels) {
        List<ChannelName> names = java.util.Arrays.stream(channels).map(ChannelName::of).toList();
        return engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(), names, "e", data))
                .await().atMost(WAIT);
    }

    protected HistoryPage read(String channel, StreamPosition since, int limit) {
        return engine.history().read(ChannelName.of(channel), since, limit).await().atMost(WAIT);
    }

    @Test
    void offsetsStartAtOneAndGrowByOne() {
        assertEquals(1, publish("1", "c").channels().get(0).position().offset());
        assertEquals(2, publish("2", "c").channels().get(0).position().offset());
        assertEquals(1, publish("1", "d").channels().get(0).position().offset());
    }

    @Test
    void offsetsStayDenseUnderConcurrentPublishers() throws Exception {
        int publishers = 8;
        int each = 250;
        listen("busy");
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        publish("{\"i\":" + i + "}", "busy");
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        awaitDelivered(publishers * each, n -> n.channel().value().equals("busy"));
        List<Long> offsets = delivered.stream().filter(n -> n.channel().value().equals("busy"))
                .map(Notification::offset).toList();
        assertEquals(publishers * each, offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i + 1, offsets.get(i), "the listener sees offsets in order, each once");
        }
    }

    @Test
    void multiChannelPublishLandsOnEveryChannelWithOneId() {
        listen("a", "b");
        publish("0", "b");
        PublishResult result = publish("{\"x\":1}", "a", "b");
        assertEquals(List.of(1L, 2L), result.channels().stream().map(p -> p.position().offset()).toList());
        awaitDelivered(2, n -> n.id().equals(result.id()));
        assertEquals(2, delivered.stream().filter(n -> n.id().equals(result.id())).count());
    }

    @Test
    void listenersGetANotificationAsItWasPublishedAndStored() {
        listen("as-sent");
        String event = "two\nlines, caf\u00e9 \u4e2d";
        String data = "{\"text\": \"caf\u00e9 \u4e2d \\n\",\n \"n\": [1, 2]}";
        PublishResult named = engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(),
                List.of(ChannelName.of("as-sent")), event, data)).await().atMost(WAIT);
        PublishResult unnamed = engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(),
                List.of(ChannelName.of("as-sent")), null, "1")).await().atMost(WAIT);
        awaitDelivered(2, n -> n.channel().value().equals("as-sent"));
        HistoryPage stored = read("as-sent", new StreamPosition(named.channels().get(0).position().epoch(), 0), 10);
        for (int i = 0; i < 2; i++) {
            Notification got = delivered.get(i);
            Notification kept = stored.notifications().get(i);
            assertEquals((i == 0 ? named : unnamed).id(), got.id());
            assertEquals((i == 0 ? named : unnamed).channels().get(0).position(), got.position());
            assertEquals(i == 0 ? event : null, got.event());
            assertEquals(i == 0 ? data : "1", got.data());
            assertEquals(kept.time(), got.time());
            assertEquals(kept.json().toString(StandardCharsets.UTF_8), got.json().toString(StandardCharsets.UTF_8),
                    "the listener and history readers send the same JSON");
        }
    }

    @Test
    void aTtlEndsAtThePublishTimePlusTheTtlForListenersAndHistoryAlike() {
        listen("ttl");
        PublishResult expiring = engine.broker().publish(new PublishRequest(UUID.randomUUID().toString(),
                List.of(ChannelName.of("ttl")), null, "1", Duration.ofSeconds(90))).await().atMost(WAIT);
        publish("2", "ttl");
        awaitDelivered(2, n -> n.channel().value().equals("ttl"));
        List<Notification> stored = read("ttl", new StreamPosition(expiring.channels().get(0).position().epoch(), 0), 10)
                .notifications();
        List<Notification> got = delivered.stream().filter(n -> n.channel().value().equals("ttl")).toList();
        assertEquals(stored.get(0).time().plusSeconds(90).truncatedTo(ChronoUnit.MILLIS), stored.get(0).expiresAt());
        assertEquals(stored.get(0).expiresAt(), got.get(0).expiresAt());
        assertNull(stored.get(1).expiresAt());
        assertNull(got.get(1).expiresAt());
    }

    @Test
    void readsWhatCameAfterAPosition() {
        String epoch = publish("1", "r").channels().get(0).position().epoch();
        publish("2", "r");
        publish("3", "r");
        HistoryPage page = read("r", new StreamPosition(epoch, 1), 100);
        assertTrue(page.recovered());
        assertEquals(List.of("2", "3"), page.notifications().stream().map(Notification::data).toList());
        assertEquals(new StreamPosition(epoch, 3), page.latest());
        assertFalse(page.more());
    }

    @Test
    void readingFromNowReadsNothing() {
        publish("1", "n");
        HistoryPage page = read("n", null, 100);
        assertTrue(page.recovered());
        assertTrue(page.notifications().isEmpty());
        assertEquals(1, page.latest().offset());
    }

    /** Whether the engine holds any state (a channel, a key) at all. */
    protected abstract boolean holdsAnyState();

    @Test
    void aChannelWithNoHistoryIsAtTheEmptyPosition() {
        HistoryPage page = read("never-published", null, 100);
        assertEquals(StreamPosition.EMPTY, page.latest());
        assertTrue(page.recovered());
        assertTrue(page.notifications().isEmpty());
    }

    @Test
    void readingOrSubscribingAChannelWithNoHistoryCreatesNothing() {
        read("unread", null, 100);
        read("unread", StreamPosition.ORIGIN, 100);
        read("unread", StreamPosition.EMPTY, 100);
        HistoryPage elsewhere = read("unread", new StreamPosition("other-life", 3), 100);
        listen("unread");
        engine.broker().unsubscribe(ChannelName.of("unread"));
        listen("unread");
        assertFalse(elsewhere.recovered(), "a position in a life the channel no longer has is not recovered");
        assertEquals(StreamPosition.EMPTY, elsewhere.latest());
        assertFalse(holdsAnyState());
    }

    @Test
    void thePositionOfAnEmptyChannelRecoversItsFirstNotifications() {
        StreamPosition seen = read("first-life", null, 100).latest();
        publish("1", "first-life");
        publish("2", "first-life");
        HistoryPage page = read("first-life", seen, 100);
        assertTrue(page.recovered(), "a client that saw the channel empty missed nothing of its first life");
        assertEquals(List.of("1", "2"), page.notifications().stream().map(Notification::data).toList());
        assertTrue(holdsAnyState());
    }

    @Test
    void thePositionOfAnEmptyChannelIsNotRecoveredOnceHistoryWasTrimmed() {
        for (int i = 1; i <= HISTORY_SIZE + 1; i++) {
            publish(Integer.toString(i), "trimmed");
        }
        HistoryPage page = read("trimmed", StreamPosition.EMPTY, 100);
        assertFalse(page.recovered(), "offset 1 is no longer retained");
        assertEquals(2, page.notifications().get(0).offset());
    }

    @Test
    void aListenerOfAChannelPublishedLaterGetsItsNotifications() {
        listen("later");
        PublishResult result = publish("1", "later");
        awaitDelivered(1, n -> n.channel().value().equals("later"));
        assertEquals(result.channels().get(0).position(), delivered.stream()
                .filter(n -> n.channel().value().equals("later")).findFirst().orElseThrow().position());
    }

    @Test
    void pagesOldestFirstAndSaysWhenThereIsMore() {
        String epoch = publish("1", "p").channels().get(0).position().epoch();
        for (int i = 2; i <= 5; i++) {
            publish(Integer.toString(i), "p");
        }
        HistoryPage page = read("p", new StreamPosition(epoch, 0), 2);
        assertEquals(List.of("1", "2"), page.notifications().stream().map(Notification::data).toList());
        assertTrue(page.more());
    }

    @Test
    void positionDroppedByHistoryOverflowIsNotRecovered() {
        String epoch = publish("1", "o").channels().get(0).position().epoch();
        for (int i = 2; i <= HISTORY_SIZE + 5; i++) {
            publish(Integer.toString(i), "o");
        }
        HistoryPage page = read("o", new StreamPosition(epoch, 2), 100);
        assertFalse(page.recovered());
        assertEquals(HISTORY_SIZE, page.notifications().size(), "everything retained is replayed");
        assertEquals(6, page.notifications().get(0).offset());
    }

    @Test
    void unknownEpochGetsEverythingRetained() {
        publish("1", "u");
        publish("2", "u");
        HistoryPage page = read("u", new StreamPosition("no-such-epoch", 1), 100);
        assertFalse(page.recovered());
        assertEquals(2, page.notifications().size());
    }

    @Test
    void expiredNotificationsAreDropped() {
        String epoch = publish("old", "t").channels().get(0).position().epoch();
        passTtl();
        publish("new", "t");
        HistoryPage page = read("t", new StreamPosition(epoch, 0), 100);
        assertFalse(page.recovered(), "offset 1 expired, so a client at 0 missed it");
        assertEquals(List.of("new"), page.notifications().stream().map(Notification::data).toList());
    }

    @Test
    void idempotentPublishHappensOnce() {
        AtomicInteger calls = new AtomicInteger();
        PublishRequest request = new PublishRequest("first", List.of(ChannelName.of("i")), null, "1");
        PublishResult first = engine.idempotency().publishOnce("key-1", () -> {
            calls.incrementAndGet();
            return engine.broker().publish(request);
        }).await().atMost(WAIT);
        PublishResult retry = engine.idempotency().publishOnce("key-1", () -> {
            calls.incrementAndGet();
            return engine.broker().publish(new PublishRequest("second", request.channels(), null, "1"));
        }).await().atMost(WAIT);
        assertEquals(first, retry);
        assertEquals(1, calls.get());
        StreamPosition beforeAll = new StreamPosition(first.channels().get(0).position().epoch(), 0);
        assertEquals(1, read("i", beforeAll, 100).notifications().size(), "published once");
    }

    @Test
    void failedIdempotentPublishIsForgotten() {
        assertThrows(EngineUnavailableException.class, () -> engine.idempotency().publishOnce("key-2",
                () -> Uni.createFrom().failure(new EngineUnavailableException("down", null))).await().atMost(WAIT));
        PublishResult retried = engine.idempotency().publishOnce("key-2", () -> engine.broker()
                .publish(new PublishRequest("again", List.of(ChannelName.of("f")), null, "1"))).await().atMost(WAIT);
        assertEquals("again", retried.id());
    }

    @Test
    void idempotencyKeysExpireWithHistory() {
        PublishResult first = engine.idempotency().publishOnce("key-3", () -> engine.broker()
                .publish(new PublishRequest("one", List.of(ChannelName.of("k")), null, "1"))).await().atMost(WAIT);
        passTtl();
        PublishResult later = engine.idempotency().publishOnce("key-3", () -> engine.broker()
                .publish(new PublishRequest("two", List.of(ChannelName.of("k")), null, "1"))).await().atMost(WAIT);
        assertNotEquals(first.id(), later.id());
    }

    @Test
    void idempotencyKeysAreBoundedInNumberOldestForgottenFirst() {
        List<PublishResult> firsts = new ArrayList<>();
        for (int i = 0; i <= MAX_IDEMPOTENCY_KEYS; i++) {
            String id = "bounded-" + i;
            firsts.add(engine.idempotency().publishOnce("bounded-key-" + i, () -> engine.broker()
                    .publish(new PublishRequest(id, List.of(ChannelName.of("bounded")), null, "1"))).await().atMost(WAIT));
        }
        PublishResult newest = engine.idempotency().publishOnce("bounded-key-" + MAX_IDEMPOTENCY_KEYS, () -> engine.broker()
                .publish(new PublishRequest("again", List.of(ChannelName.of("bounded")), null, "1"))).await().atMost(WAIT);
        assertEquals(firsts.get(MAX_IDEMPOTENCY_KEYS), newest, "the newest key is remembered");
        PublishResult oldest = engine.idempotency().publishOnce("bounded-key-0", () -> engine.broker()
                .publish(new PublishRequest("again", List.of(ChannelName.of("bounded")), null, "1"))).await().atMost(WAIT);
        assertEquals("again", oldest.id(), "one key over the bound: the oldest was forgotten");
    }
}
