package io.relay.inbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.relay.engine.MutableClock;
import io.relay.problem.Problem;
import io.relay.problem.ProblemException;

/**
 * The inbox contract every engine keeps: what is stored and how it lists, counts after every kind of
 * change (always equal to a recount), marks, deletes, recalls, {@code max-items} and expiry. Time is
 * the store's injected clock, moved by hand.
 */
public abstract class InboxStoreContractTest {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    protected static final int MAX_ITEMS = 5;
    private static final Duration RETENTION = Duration.ofDays(30);

    protected final MutableClock clock = new MutableClock();
    protected InboxStore store;
    private final AtomicInteger published = new AtomicInteger();

    /** A store of this engine on {@code clock}, keeping at most {@link #MAX_ITEMS} per user, holding nothing yet. */
    protected abstract InboxStore create(int maxItems);

    /** Whether the engine holds anything at all (keys, inboxes). */
    protected abstract boolean holdsAnyState();

    /** Every event the store told, from any user's inbox, in the order told. */
    private final List<InboxEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void createStore() {
        listenTo(create(MAX_ITEMS));
    }

    private void listenTo(InboxStore created) {
        store = created;
        events.clear();
        store.listen(events::add).await().atMost(WAIT);
    }

    /** The user's events once there are {@code count} (the store may tell them a little after the change). */
    private List<InboxEvent> eventsOf(String user, int count) {
        return await().atMost(WAIT).until(() -> events.stream().filter(event -> event.user().equals(user)).toList(),
                told -> told.size() >= count);
    }

    private static String describe(InboxEvent event) {
        return event.change() + " " + event.touched() + " " + event.counts().unread() + "/" + event.counts().total();
    }

    private static List<String> describe(List<InboxEvent> told) {
        return told.stream().map(InboxStoreContractTest::describe).toList();
    }

    private InboxEntry entry(String data) {
        return entry(data, RETENTION);
    }

    private InboxEntry entry(String data, Duration ttl) {
        Instant now = clock.instant();
        return new InboxEntry("n-" + published.incrementAndGet() + "-" + data, "e", data, now, now.plus(ttl));
    }

    private String store(String user, InboxEntry entry) {
        assertEquals(1, store.store(List.of(user), entry).await().atMost(WAIT));
        return entry.id();
    }

    /** Every item the filter lists, page after page, newest first. */
    private List<String> ids(String user, InboxFilter filter) {
        List<String> ids = new ArrayList<>();
        String before = null;
        do {
            InboxPage page = store.list(user, filter, 100, before).await().atMost(WAIT);
            page.items().forEach(item -> ids.add(item.id()));
            before = page.next();
        } while (before != null);
        return ids;
    }

    private InboxCounts counts(String user) {
        return store.counts(user).await().atMost(WAIT);
    }

    /** The counts as a recount of the listed items gives them. */
    private InboxCounts recount(String user) {
        return new InboxCounts(ids(user, InboxFilter.UNREAD).size(), ids(user, InboxFilter.ALL).size());
    }

    @Test
    void listsNewestFirstInPagesThatEndWithNoNext() {
        List<String> stored = IntStream.rangeClosed(1, 5).mapToObj(n -> store("alice", entry(Integer.toString(n)))).toList();
        InboxPage first = store.list("alice", InboxFilter.ALL, 2, null).await().atMost(WAIT);
        assertEquals(List.of(stored.get(4), stored.get(3)), first.items().stream().map(InboxItem::id).toList());
        assertEquals(stored.get(3), first.next());
        InboxPage second = store.list("alice", InboxFilter.ALL, 2, first.next()).await().atMost(WAIT);
        assertEquals(List.of(stored.get(2), stored.get(1)), second.items().stream().map(InboxItem::id).toList());
        InboxPage last = store.list("alice", InboxFilter.ALL, 2, second.next()).await().atMost(WAIT);
        assertEquals(List.of(stored.get(0)), last.items().stream().map(InboxItem::id).toList());
        assertNull(last.next());
        assertEquals(new InboxCounts(5, 5), last.counts());
    }

    @Test
    void keepsAnItemAsPublishedUntilItsUserMarksIt() {
        Instant now = clock.instant();
        InboxEntry withEvent = new InboxEntry("n-as-sent", "two\nlines \u00e9", "{\"n\":1.50,\"s\":\"\u4e2d\\n\"}", now,
                now.plusSeconds(90));
        InboxEntry withoutEvent = new InboxEntry("n-no-event", null, "[1]", now, now.plusSeconds(90));
        store("alice", withEvent);
        store("alice", withoutEvent);
        List<InboxItem> items = store.list("alice", InboxFilter.ALL, 10, null).await().atMost(WAIT).items();
        assertEquals(List.of(withoutEvent.newItem(), withEvent.newItem()), items);
    }

    @Test
    void storesANotificationOncePerUser() {
        InboxEntry entry = entry("once");
        assertEquals(2, store.store(List.of("alice", "bob"), entry).await().atMost(WAIT));
        assertEquals(0, store.store(List.of("alice"), entry).await().atMost(WAIT));
        assertEquals(new InboxCounts(1, 1), counts("alice"));
        assertEquals(new InboxCounts(1, 1), counts("bob"));
    }

    @Test
    void filtersAndCountsFollowEveryKindOfChange() {
        String a = store("alice", entry("a"));
        String b = store("alice", entry("b"));
        String c = store("alice", entry("c"));
        InboxChange read = store.update("alice", a, true, null).await().atMost(WAIT);
        assertTrue(read.items().get(0).read());
        assertEquals(new InboxCounts(2, 3), read.counts());
        InboxChange archived = store.update("alice", b, null, true).await().atMost(WAIT);
        assertEquals(new InboxCounts(1, 2), archived.counts());
        assertEquals(List.of(c), ids("alice", InboxFilter.UNREAD));
        assertEquals(List.of(a), ids("alice", InboxFilter.READ));
        assertEquals(List.of(b), ids("alice", InboxFilter.ARCHIVED));
        assertEquals(List.of(c, a), ids("alice", InboxFilter.ALL));
        InboxChange both = store.update("alice", b, true, false).await().atMost(WAIT);
        assertTrue(both.items().get(0).read());
        assertFalse(both.items().get(0).archived());
        assertEquals(new InboxCounts(1, 3), both.counts());
        assertEquals(List.of(b, a), ids("alice", InboxFilter.READ));
        assertEquals(recount("alice"), counts("alice"));
    }

    @Test
    void marksManyLeavingOutIdsItDoesNotHoldThenAll() {
        String a = store("alice", entry("a"));
        String b = store("alice", entry("b"));
        store("alice", entry("c"));
        InboxChange many = store.mark("alice", new InboxMark(List.of(a, b, "not-held"), InboxMark.Flag.READ, true))
                .await().atMost(WAIT);
        assertEquals(Set.of(a, b), Set.copyOf(many.items().stream().map(InboxItem::id).toList()));
        assertEquals(new InboxCounts(1, 3), many.counts());
        InboxChange again = store.mark("alice", new InboxMark(List.of(a), InboxMark.Flag.READ, true)).await().atMost(WAIT);
        assertEquals(List.of(), again.items(), "nothing changed");
        InboxChange all = store.mark("alice", new InboxMark(null, InboxMark.Flag.ARCHIVED, true)).await().atMost(WAIT);
        assertEquals(3, all.items().size());
        assertEquals(new InboxCounts(0, 0), all.counts());
        assertEquals(recount("alice"), counts("alice"));
    }

    @Test
    void deletesAnItemAndThenKnowsItNoMore() {
        String a = store("alice", entry("a"));
        store("alice", entry("b"));
        assertEquals(new InboxCounts(1, 1), store.delete("alice", a).await().atMost(WAIT));
        assertNotFound(() -> store.delete("alice", a).await().atMost(WAIT));
        assertNotFound(() -> store.update("alice", a, true, null).await().atMost(WAIT));
    }

    @Test
    void anotherUsersItemIsNotFound() {
        String a = store("alice", entry("a"));
        assertNotFound(() -> store.update("bob", a, true, null).await().atMost(WAIT));
        assertNotFound(() -> store.delete("bob", a).await().atMost(WAIT));
        assertEquals(InboxCounts.EMPTY, store.mark("bob", new InboxMark(List.of(a), InboxMark.Flag.READ, true))
                .await().atMost(WAIT).counts());
        assertEquals(new InboxCounts(1, 1), counts("alice"));
    }

    @Test
    void aRecallRemovesTheNotificationFromEveryInbox() {
        InboxEntry entry = entry("recalled");
        store.store(List.of("alice", "bob"), entry).await().atMost(WAIT);
        String kept = store("alice", entry("kept"));
        store.delete("bob", entry.id()).await().atMost(WAIT);
        assertEquals(List.of("alice"), store.recall(entry.id()).await().atMost(WAIT));
        assertEquals(List.of(kept), ids("alice", InboxFilter.ALL));
        assertEquals(List.of(), store.recall(entry.id()).await().atMost(WAIT));
        assertEquals(List.of(), store.recall("never-published").await().atMost(WAIT));
    }

    @Test
    void aNewerItemPushesTheOldestOutBeyondMaxItems() {
        List<String> stored = IntStream.rangeClosed(1, MAX_ITEMS + 2).mapToObj(n -> store("alice", entry("m" + n))).toList();
        List<String> newest = new ArrayList<>(stored.subList(2, MAX_ITEMS + 2));
        Collections.reverse(newest);
        assertEquals(newest, ids("alice", InboxFilter.ALL));
        assertEquals(new InboxCounts(MAX_ITEMS, MAX_ITEMS), counts("alice"));
    }

    @Test
    void anExpiredItemIsNeitherListedNorCountedNorFound() {
        String brief = store("alice", entry("brief", Duration.ofSeconds(10)));
        String lasting = store("alice", entry("lasting"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(List.of(lasting), ids("alice", InboxFilter.ALL));
        assertEquals(new InboxCounts(1, 1), counts("alice"));
        assertNotFound(() -> store.update("alice", brief, true, null).await().atMost(WAIT));
        assertEquals(0, store.store(List.of("bob"), new InboxEntry("late", null, "1", clock.instant().minusSeconds(20),
                clock.instant())).await().atMost(WAIT), "an entry already expired is not stored");
        clock.advance(RETENTION);
        assertEquals(InboxCounts.EMPTY, counts("alice"));
    }

    @Test
    void aPageAfterAnItemNoLongerHeldIsRefused() {
        String a = store("alice", entry("a"));
        store.delete("alice", a).await().atMost(WAIT);
        ProblemException refused = assertThrows(ProblemException.class,
                () -> store.list("alice", InboxFilter.ALL, 10, a).await().atMost(WAIT));
        assertEquals(Problem.INVALID_REQUEST, refused.problem());
    }

    @Test
    void readingInboxesNobodyWroteCreatesNothing() {
        counts("nobody");
        ids("nobody", InboxFilter.ALL);
        store.mark("nobody", new InboxMark(null, InboxMark.Flag.READ, true)).await().atMost(WAIT);
        store.retell("nobody").await().atMost(WAIT);
        store.delivered("nobody", List.of("n")).await().atMost(WAIT);
        store.dropExpired(List.of("nobody")).await().atMost(WAIT);
        assertFalse(holdsAnyState());
    }

    @Test
    void everyChangeIsToldInTheOrderItWasMadeWithTheCountsAfterIt() {
        String a = store("alice", entry("a"));
        String b = store("alice", entry("b"));
        store.update("alice", a, true, null).await().atMost(WAIT);
        store.mark("alice", new InboxMark(null, InboxMark.Flag.READ, true)).await().atMost(WAIT);
        store.mark("alice", new InboxMark(List.of(a, b), InboxMark.Flag.READ, true)).await().atMost(WAIT);
        store.update("alice", b, null, true).await().atMost(WAIT);
        store.delete("alice", a).await().atMost(WAIT);
        store.recall(b).await().atMost(WAIT);
        store("bob", entry("other user"));
        List<InboxEvent> told = eventsOf("alice", 7);
        // the second mark changes nothing, and is told to nobody
        assertEquals(List.of("added [" + a + "] 1/1", "added [" + b + "] 2/2", "updated [" + a + "] 1/2",
                "updated [" + b + "] 0/2", "updated [" + b + "] 0/1", "removed [" + a + "] 0/0", "removed [" + b + "] 0/0"),
                told.stream().map(InboxStoreContractTest::describe).toList());
        InboxItem added = told.get(0).items().get(0);
        assertEquals(new InboxItem(a, "e", "a", added.time(), added.expiresAt(), false, false, false), added);
        assertEquals(store.list("bob", InboxFilter.ALL, 1, null).await().atMost(WAIT).items(), eventsOf("bob", 1).get(0).items(),
                "an added item as a list shows it");
    }

    @Test
    void storesOneNotificationForManyUsersAndTellsEachOfThem() {
        List<String> users = IntStream.range(0, 250).mapToObj(n -> "many-" + n).toList();
        store("many-7", entry("before"));
        InboxEntry entry = entry("to many");
        assertEquals(250, store.store(users, entry).await().atMost(WAIT));
        assertEquals(0, store.store(users, entry).await().atMost(WAIT), "stored once per user");
        await().atMost(WAIT).until(() -> events.stream().filter(event -> event.change() == InboxEvent.Change.added).count(),
                told -> told == 251);
        for (String user : List.of("many-0", "many-7", "many-249")) {
            assertEquals(entry.id(), ids(user, InboxFilter.ALL).get(0));
            InboxEvent added = eventsOf(user, 1).get(eventsOf(user, 1).size() - 1);
            assertEquals(entry.id(), added.items().get(0).id());
            assertEquals(counts(user), added.counts());
        }
    }

    @Test
    void expiredItemsOfNamedUsersAreDroppedAndToldAtOnce() {
        String carls = store("carl", entry("brief", Duration.ofSeconds(10)));
        store("dora", entry("lasting"));
        String doras = store("dora", entry("brief", Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(10));
        store.dropExpired(List.of("carl", "dora", "nobody")).await().atMost(WAIT);
        assertEquals(InboxEvent.removed("carl", List.of(carls), InboxCounts.EMPTY), eventsOf("carl", 2).get(1));
        assertEquals(InboxEvent.removed("dora", List.of(doras), new InboxCounts(1, 1)), eventsOf("dora", 3).get(2));
        store.dropExpired(List.of("carl", "dora")).await().atMost(WAIT);
        store("dora", entry("after"));
        assertEquals(InboxEvent.Change.added, eventsOf("dora", 4).get(3).change(), "nothing more to drop, nothing told");
        assertEquals(2, eventsOf("carl", 2).size());
    }

    @Test
    void aRetellTellsTheCountsInOrderWithTheChanges() {
        String a = store("alice", entry("a"));
        store.retell("alice").await().atMost(WAIT);
        store.update("alice", a, true, null).await().atMost(WAIT);
        store.retell("alice").await().atMost(WAIT);
        store.retell("nobody").await().atMost(WAIT);
        assertEquals(List.of("added [" + a + "] 1/1", "updated [] 1/1", "updated [" + a + "] 0/1", "updated [] 0/1"),
                describe(eventsOf("alice", 4)));
        assertEquals(List.of("updated [] 0/0"), describe(eventsOf("nobody", 1)));
    }

    @Test
    void itemsPushedOutOrExpiredAreToldAsRemoved() {
        String brief = store("alice", entry("brief", Duration.ofSeconds(10)));
        List<String> more = IntStream.rangeClosed(1, MAX_ITEMS).mapToObj(n -> store("alice", entry("m" + n))).toList();
        InboxEvent pushedOut = eventsOf("alice", MAX_ITEMS + 2).get(MAX_ITEMS);
        assertEquals(List.of(brief), pushedOut.ids(), describe(events).toString());
        assertEquals(InboxEvent.Change.removed, pushedOut.change());
        String expiring = store("bob", entry("expiring", Duration.ofSeconds(10)));
        clock.advance(Duration.ofSeconds(10));
        counts("bob");
        InboxEvent expired = eventsOf("bob", 2).get(1);
        assertEquals(InboxEvent.removed("bob", List.of(expiring), InboxCounts.EMPTY), expired);
        assertEquals(MAX_ITEMS, more.size());
    }

    @Test
    void deliveredIsKeptAndToldToNobody() {
        String a = store("alice", entry("a"));
        store.delivered("alice", List.of(a, "not-held")).await().atMost(WAIT);
        store.delivered("nobody", List.of(a)).await().atMost(WAIT);
        InboxItem item = store.list("alice", InboxFilter.UNREAD, 10, null).await().atMost(WAIT).items().get(0);
        assertTrue(item.delivered());
        assertEquals(new InboxCounts(1, 1), counts("alice"));
        store("alice", entry("b"));
        assertEquals(List.of(InboxEvent.Change.added, InboxEvent.Change.added),
                eventsOf("alice", 2).stream().map(InboxEvent::change).toList(), describe(events).toString());
        assertFalse(events.stream().anyMatch(event -> event.user().equals("nobody")));
    }

    @Test
    void countsEqualARecountUnderConcurrentPublishersAndMarkers() throws Exception {
        listenTo(create(1000));
        ExecutorService threads = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> work = new ArrayList<>();
            List<String> ids = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                work.add(threads.submit(() -> {
                    for (int n = 0; n < 40; n++) {
                        InboxEntry entry = entry("c" + Thread.currentThread().getId() + "-" + n);
                        store.store(List.of("carol"), entry).await().atMost(WAIT);
                        ids.add(entry.id());
                    }
                }));
                work.add(threads.submit(() -> {
                    for (int n = 0; n < 40; n++) {
                        List<String> some = ids.isEmpty() ? List.of("none")
                                : List.of(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                        InboxMark.Flag flag = n % 2 == 0 ? InboxMark.Flag.READ : InboxMark.Flag.ARCHIVED;
                        store.mark("carol", new InboxMark(n % 10 == 9 ? null : some, flag, n % 3 != 0)).await().atMost(WAIT);
                    }
                }));
            }
            for (Future<?> done : work) {
                done.get();
            }
        } finally {
            threads.shutdown();
        }
        InboxCounts counts = counts("carol");
        assertEquals(recount("carol"), counts);
        assertEquals(320, counts.total() + ids("carol", InboxFilter.ARCHIVED).size(), "every item stored, none lost");
        // the events come in the order of the changes: the last one told holds the counts as they are now
        await().atMost(WAIT).until(() -> {
            List<InboxEvent> told = eventsOf("carol", 320);
            return told.get(told.size() - 1).counts();
        }, counts::equals);
        assertEquals(320, eventsOf("carol", 320).stream().filter(event -> event.change() == InboxEvent.Change.added).count(),
                "every store told once");
    }

    private static void assertNotFound(org.junit.jupiter.api.function.Executable call) {
        assertThrows(InboxItemNotFoundException.class, call);
    }
}
