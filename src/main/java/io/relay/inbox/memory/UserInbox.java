package io.relay.inbox.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import io.relay.inbox.InboxCounts;
import io.relay.inbox.InboxFilter;
import io.relay.inbox.InboxItem;
import io.relay.inbox.InboxPage;

/**
 * One user's inbox in memory. Not thread-safe: {@link MemoryInboxStore} calls it under its monitor.
 * Items are ordered by arrival (a sequence number, newest last); the counts are kept with every change
 * and equal a recount of the items at all times.
 */
final class UserInbox {

    private final NavigableMap<Long, InboxItem> bySequence = new TreeMap<>();
    private final Map<String, Long> sequenceOf = new HashMap<>();
    private long nextSequence;
    private int unread;
    private int total;
    /** No item expires before this (epoch ms): until then, looking for expired items finds none. */
    private long earliestExpiry = Long.MAX_VALUE;
    /** Where {@link MemoryInboxStore}'s sweep has this inbox (epoch ms); {@link Long#MAX_VALUE}: nowhere. */
    long scheduled = Long.MAX_VALUE;

    boolean isEmpty() {
        return bySequence.isEmpty();
    }

    int size() {
        return bySequence.size();
    }

    boolean holds(String id) {
        return sequenceOf.containsKey(id);
    }

    InboxItem get(String id) {
        Long sequence = sequenceOf.get(id);
        return sequence == null ? null : bySequence.get(sequence);
    }

    /** Adds a new item as the newest. */
    void add(InboxItem item) {
        long sequence = nextSequence++;
        bySequence.put(sequence, item);
        sequenceOf.put(item.id(), sequence);
        count(item, 1);
        earliestExpiry = Math.min(earliestExpiry, item.expiresAt().toEpochMilli());
    }

    /** When the earliest item expires (epoch ms, or a little before); {@link Long#MAX_VALUE} when empty. */
    long earliestExpiry() {
        return bySequence.isEmpty() ? Long.MAX_VALUE : earliestExpiry;
    }

    /** The oldest item, or null. */
    InboxItem oldest() {
        Map.Entry<Long, InboxItem> first = bySequence.firstEntry();
        return first == null ? null : first.getValue();
    }

    /** Replaces an item by {@code change} of it; returns the item after, or null when it is not held. */
    InboxItem replace(String id, UnaryOperator<InboxItem> change) {
        Long sequence = sequenceOf.get(id);
        if (sequence == null) {
            return null;
        }
        InboxItem before = bySequence.get(sequence);
        InboxItem after = change.apply(before);
        bySequence.put(sequence, after);
        count(before, -1);
        count(after, 1);
        return after;
    }

    /** Removes an item; returns it, or null when it is not held. */
    InboxItem remove(String id) {
        Long sequence = sequenceOf.remove(id);
        if (sequence == null) {
            return null;
        }
        InboxItem removed = bySequence.remove(sequence);
        count(removed, -1);
        return removed;
    }

    /** Removes every item whose expiry has come, handing each to {@code removed}. */
    void removeExpired(Instant now, Consumer<InboxItem> removed) {
        if (now.toEpochMilli() < earliestExpiry) {
            return;
        }
        List<String> expired = new ArrayList<>();
        earliestExpiry = Long.MAX_VALUE;
        for (InboxItem item : bySequence.values()) {
            if (!now.isBefore(item.expiresAt())) {
                expired.add(item.id());
            } else {
                earliestExpiry = Math.min(earliestExpiry, item.expiresAt().toEpochMilli());
            }
        }
        for (String id : expired) {
            removed.accept(remove(id));
        }
    }

    /** Newest first; null when {@code before} names no item held. */
    InboxPage page(InboxFilter filter, int limit, String before) {
        NavigableMap<Long, InboxItem> older = bySequence;
        if (before != null) {
            Long sequence = sequenceOf.get(before);
            if (sequence == null) {
                return null;
            }
            older = bySequence.headMap(sequence, false);
        }
        List<InboxItem> items = new ArrayList<>(Math.min(limit, older.size()));
        String next = null;
        for (InboxItem item : older.descendingMap().values()) {
            if (!item.matches(filter)) {
                continue;
            }
            if (items.size() == limit) {
                next = items.get(limit - 1).id();
                break;
            }
            items.add(item);
        }
        return new InboxPage(items, counts(), next);
    }

    List<InboxItem> items() {
        return new ArrayList<>(bySequence.values());
    }

    InboxCounts counts() {
        return new InboxCounts(unread, total);
    }

    private void count(InboxItem item, int sign) {
        if (item.isUnread()) {
            unread += sign;
        }
        if (!item.archived()) {
            total += sign;
        }
    }
}
