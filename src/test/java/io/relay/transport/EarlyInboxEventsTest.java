package io.relay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEvent;

class EarlyInboxEventsTest {

    private static InboxEvent change(int unread) {
        return InboxEvent.updated("u", List.of(), new InboxCounts(unread, unread));
    }

    @Test
    void changesBeforeTheWelcomeFollowItInOrderAndLaterOnesAreWrittenAtOnce() {
        EarlyInboxEvents early = new EarlyInboxEvents();
        List<Integer> written = new ArrayList<>();
        AtomicInteger overflows = new AtomicInteger();
        assertTrue(early.take(change(1), e -> written.add(e.counts().unread()), overflows::incrementAndGet));
        assertTrue(early.take(change(2), e -> written.add(e.counts().unread()), overflows::incrementAndGet));
        assertEquals(List.of(), written, "nothing before the welcome");
        early.welcome(e -> written.add(e.counts().unread()));
        assertTrue(early.take(change(3), e -> written.add(e.counts().unread()), overflows::incrementAndGet));
        assertFalse(early.take(change(4), e -> false, overflows::incrementAndGet), "a stream that could not write it");
        assertEquals(List.of(1, 2, 3), written);
        assertEquals(0, overflows.get());
    }

    @Test
    void oneChangeTooManyBeforeTheWelcomeEndsTheStream() {
        EarlyInboxEvents early = new EarlyInboxEvents();
        AtomicInteger overflows = new AtomicInteger();
        for (int i = 0; i < EarlyInboxEvents.LIMIT; i++) {
            assertTrue(early.take(change(i), e -> true, overflows::incrementAndGet));
        }
        assertFalse(early.take(change(-1), e -> true, overflows::incrementAndGet));
        assertEquals(1, overflows.get());
    }
}
