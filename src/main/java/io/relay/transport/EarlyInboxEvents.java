package io.relay.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import io.relay.inbox.InboxEvent;

/**
 * Inbox changes a stream receives before its welcome is written: they follow the welcome, in order, so
 * that the counts a client holds last are those of the newest change (the welcome's counts may be
 * older than a change that came while they were read). Bounded ({@value #LIMIT}): a stream that gets
 * more before its welcome is ended with 4002 and resumes. Confined to the stream's event loop.
 */
public final class EarlyInboxEvents {

    static final int LIMIT = 64;

    private List<InboxEvent> held = new ArrayList<>(0);

    /**
     * Writes the change once the welcome is out, holds it before; when {@value #LIMIT} are held already
     * it runs {@code overflow} (which ends the stream) instead. Returns whether the change was or will be
     * written.
     */
    public boolean take(InboxEvent event, Predicate<InboxEvent> write, Runnable overflow) {
        if (held == null) {
            return write.test(event);
        }
        if (held.size() == LIMIT) {
            overflow.run();
            return false;
        }
        held.add(event);
        return true;
    }

    /** The welcome is written: writes what was held, and from now on nothing is held. */
    public void welcome(Consumer<InboxEvent> write) {
        List<InboxEvent> early = held;
        held = null;
        early.forEach(write);
    }
}
