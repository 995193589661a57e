package io.relay.inbox.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;

import io.relay.inbox.InboxChange;
import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxEntry;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxFilter;
import io.relay.inbox.InboxItem;
import io.relay.inbox.InboxItemNotFoundException;
import io.relay.inbox.InboxListener;
import io.relay.inbox.InboxMark;
import io.relay.inbox.InboxPage;
import io.relay.inbox.InboxStore;
import io.smallrye.mutiny.Uni;

/**
 * Inboxes in this process, lost on restart like the memory engine's history. Each user's inbox
 * changes under its monitor, with its counts. Two indexes follow the items, updated in the same step:
 * who holds a notification (for a recall) and when each item expires (so that {@link #sweep} drops
 * expired items without scanning every user). A user whose last item leaves takes no memory.
 */
public final class MemoryInboxStore implements InboxStore {

    /** When a user's inbox has its earliest expiry (or a little before), ordered by time, for the sweep. */
    private record Due(long at, String user) {
        static final Comparator<Due> ORDER = Comparator.comparingLong(Due::at).thenComparing(Due::user);
    }

    private final ConcurrentHashMap<String, UserInbox> inboxes = new ConcurrentHashMap<>();
    /** Notification id to the users whose inbox holds it; changed under the user's inbox monitor. */
    private final ConcurrentHashMap<String, Set<String>> holders = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> dues = new ConcurrentSkipListSet<>(Due.ORDER);
    private final Clock clock;
    private final int maxItems;
    private volatile InboxListener listener = InboxListener.NONE;

    public MemoryInboxStore(Clock clock, int maxItems) {
        this.clock = clock;
        this.maxItems = maxItems;
    }

    @Override
    public Uni<Integer> store(List<String> users, InboxEntry entry) {
        return Uni.createFrom().item(() -> {
            int stored = 0;
            for (String user : users) {
                stored += locked(user, true, inbox -> add(user, inbox, entry)) ? 1 : 0;
            }
            return stored;
        });
    }

    private boolean add(String user, UserInbox inbox, InboxEntry entry) {
        if (inbox.holds(entry.id()) || !clock.instant().isBefore(entry.expiresAt())) {
            return false;
        }
        InboxItem item = entry.newItem();
        inbox.add(item);
        holders.computeIfAbsent(entry.id(), id -> ConcurrentHashMap.newKeySet()).add(user);
        List<String> pushedOut = new ArrayList<>();
        while (inbox.size() > maxItems) {
            InboxItem oldest = inbox.remove(inbox.oldest().id());
            forget(user, oldest);
            pushedOut.add(oldest.id());
        }
        if (!pushedOut.isEmpty()) {
            listener.onInboxEvent(InboxEvent.removed(user, pushedOut, inbox.counts()));
        }
        listener.onInboxEvent(InboxEvent.added(user, List.of(item), inbox.counts()));
        return true;
    }

    @Override
    public Uni<InboxPage> list(String user, InboxFilter filter, int limit, String before) {
        return read(user, inbox -> {
            InboxPage page = inbox == null ? new InboxPage(List.of(), InboxCounts.EMPTY, null)
                    : inbox.page(filter, limit, before);
            if (page == null || (inbox == null && before != null)) {
                throw InboxStore.beforeNotHeld();
            }
            return page;
        });
    }

    @Override
    public Uni<InboxCounts> counts(String user) {
        return read(user, inbox -> inbox == null ? InboxCounts.EMPTY : inbox.counts());
    }

    @Override
    public Uni<InboxChange> update(String user, String id, Boolean read, Boolean archived) {
        return read(user, inbox -> {
            InboxItem after = inbox == null ? null : inbox.replace(id, item -> {
                InboxItem changed = read == null ? item : item.withRead(read);
                return archived == null ? changed : changed.withArchived(archived);
            });
            if (after == null) {
                throw new InboxItemNotFoundException(id);
            }
            listener.onInboxEvent(InboxEvent.updated(user, List.of(after), inbox.counts()));
            return new InboxChange(List.of(after), inbox.counts());
        });
    }

    @Override
    public Uni<InboxChange> mark(String user, InboxMark mark) {
        return read(user, inbox -> {
            if (inbox == null) {
                return new InboxChange(List.of(), InboxCounts.EMPTY);
            }
            List<String> ids = mark.all() ? inbox.items().stream().map(InboxItem::id).toList() : mark.ids();
            List<InboxItem> updated = new ArrayList<>();
            for (String id : ids) {
                InboxItem before = inbox.get(id);
                if (before != null && !mark.applyTo(before).equals(before)) {
                    updated.add(inbox.replace(id, mark::applyTo));
                }
            }
            if (!updated.isEmpty()) {
                listener.onInboxEvent(InboxEvent.updated(user, updated, inbox.counts()));
            }
            return new InboxChange(updated, inbox.counts());
        });
    }

    @Override
    public Uni<InboxCounts> delete(String user, String id) {
        return read(user, inbox -> {
            if (!removeOne(user, inbox, id)) {
                throw new InboxItemNotFoundException(id);
            }
            return inbox.counts();
        });
    }

    @Override
    public Uni<List<String>> recall(String id) {
        return Uni.createFrom().item(() -> {
            List<String> removedFrom = new ArrayList<>();
            for (String user : List.copyOf(holders.getOrDefault(id, Set.of()))) {
                if (locked(user, false, inbox -> removeOne(user, inbox, id))) {
                    removedFrom.add(user);
                }
            }
            return removedFrom;
        });
    }

    @Override
    public Uni<Void> delivered(String user, List<String> ids) {
        return read(user, inbox -> {
            if (inbox != null) {
                ids.forEach(id -> inbox.replace(id, InboxItem::withDelivered));
            }
            return null;
        });
    }

    @Override
    public Uni<Void> dropExpired(List<String> users) {
        return Uni.createFrom().item(() -> {
            // the expired items go before any action on an inbox
            users.forEach(user -> locked(user, false, inbox -> null));
            return null;
        });
    }

    @Override
    public Uni<Void> retell(String user) {
        return read(user, inbox -> {
            listener.onInboxEvent(InboxEvent.updated(user, List.of(), inbox == null ? InboxCounts.EMPTY : inbox.counts()));
            return null;
        });
    }

    @Override
    public Uni<Void> listen(InboxListener listener) {
        this.listener = listener;
        return Uni.createFrom().voidItem();
    }

    /** Drops every item whose expiry has come, in every inbox, looking only at inboxes that hold one. */
    public void sweep() {
        long now = clock.millis();
        for (Due due = earliest(); due != null && due.at() <= now; due = earliest()) {
            dues.remove(due);
            // drops the user's expired items, and enters the inbox's next expiry
            locked(due.user(), false, inbox -> null);
        }
    }

    private Due earliest() {
        var iterator = dues.iterator();
        return iterator.hasNext() ? iterator.next() : null;
    }

    private <T> Uni<T> read(String user, Function<UserInbox, T> action) {
        return Uni.createFrom().item(() -> locked(user, false, action));
    }

    /**
     * Runs {@code action} on the user's inbox under its monitor, after dropping its expired items; with
     * null when the user has none and {@code create} is false. An inbox emptied and dropped while this
     * thread waited for its monitor is not used: the current one is taken instead.
     */
    private <T> T locked(String user, boolean create, Function<UserInbox, T> action) {
        while (true) {
            UserInbox inbox = create ? inboxes.computeIfAbsent(user, u -> new UserInbox()) : inboxes.get(user);
            if (inbox == null) {
                return action.apply(null);
            }
            synchronized (inbox) {
                if (inboxes.get(user) != inbox) {
                    continue;
                }
                List<String> expired = new ArrayList<>();
                inbox.removeExpired(clock.instant(), item -> {
                    forget(user, item);
                    expired.add(item.id());
                });
                if (!expired.isEmpty()) {
                    listener.onInboxEvent(InboxEvent.removed(user, expired, inbox.counts()));
                }
                try {
                    return action.apply(inbox);
                } finally {
                    schedule(user, inbox);
                    dropIfEmpty(user, inbox);
                }
            }
        }
    }

    private boolean removeOne(String user, UserInbox inbox, String id) {
        InboxItem removed = inbox == null ? null : inbox.remove(id);
        if (removed != null) {
            forget(user, removed);
            listener.onInboxEvent(InboxEvent.removed(user, List.of(id), inbox.counts()));
        }
        return removed != null;
    }

    /** Keeps the inbox's one entry in the dues at its earliest expiry (none when it is empty). */
    private void schedule(String user, UserInbox inbox) {
        long at = inbox.earliestExpiry();
        if (at != inbox.scheduled) {
            if (inbox.scheduled != Long.MAX_VALUE) {
                dues.remove(new Due(inbox.scheduled, user));
            }
            if (at != Long.MAX_VALUE) {
                dues.add(new Due(at, user));
            }
            inbox.scheduled = at;
        }
    }

    /** Takes an item that left a user's inbox out of the index of holders. */
    private void forget(String user, InboxItem item) {
        holders.computeIfPresent(item.id(), (id, users) -> {
            users.remove(user);
            return users.isEmpty() ? null : users;
        });
    }

    private void dropIfEmpty(String user, UserInbox inbox) {
        if (inbox.isEmpty()) {
            inboxes.remove(user, inbox);
        }
    }

    /** Items held in all inboxes, for the memory figures and tests (counts them: not for a hot path). */
    public int itemCount() {
        int items = 0;
        for (UserInbox inbox : inboxes.values()) {
            synchronized (inbox) {
                items += inbox.size();
            }
        }
        return items;
    }

    /** Inboxes the sweep will visit: one per inbox that holds anything. */
    public int scheduledSweeps() {
        return dues.size();
    }

    /** Users whose inbox holds anything. */
    public int userCount() {
        return inboxes.size();
    }
}
