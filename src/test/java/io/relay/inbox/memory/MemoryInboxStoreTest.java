package io.relay.inbox.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxStore;
import io.relay.inbox.InboxStoreContractTest;

/** The inbox contract in memory, and the sweep that drops expired items of inboxes nobody reads. */
class MemoryInboxStoreTest extends InboxStoreContractTest {

    private MemoryInboxStore memory;

    @Override
    protected InboxStore create(int maxItems) {
        memory = new MemoryInboxStore(clock, maxItems);
        return memory;
    }

    @Override
    protected boolean holdsAnyState() {
        return memory.itemCount() > 0 || memory.userCount() > 0 || memory.scheduledSweeps() > 0;
    }

    @Test
    void theSweepDropsExpiredItemsOfInboxesNobodyReads() {
        Instant now = clock.instant();
        memory.store(List.of("dave", "erin"), new InboxEntry("brief", null, "1", now, now.plusSeconds(5))).await().atMost(WAIT);
        memory.store(List.of("erin"), new InboxEntry("lasting", null, "2", now, now.plusSeconds(50))).await().atMost(WAIT);
        clock.advance(Duration.ofSeconds(5));
        memory.sweep();
        assertEquals(1, memory.itemCount());
        assertEquals(1, memory.userCount(), "dave's emptied inbox is gone");
        assertEquals(1, memory.scheduledSweeps(), "erin's inbox, at its next expiry");
        assertEquals(new InboxCounts(1, 1), memory.counts("erin").await().atMost(WAIT));
        clock.advance(Duration.ofSeconds(45));
        memory.sweep();
        assertEquals(0, memory.itemCount());
        assertEquals(0, memory.userCount());
        assertEquals(0, memory.scheduledSweeps());
    }
}
