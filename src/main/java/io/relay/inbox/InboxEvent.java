package io.relay.inbox;

import java.util.List;

/**
 * One change of one user's inbox as the user's live connections learn it: items {@code added} or
 * {@code updated} (as they are after the change), or the ids of items {@code removed} (deleted, expired,
 * recalled or pushed out by newer ones), with the user's counts after the change.
 */
public record InboxEvent(String user, Change change, List<InboxItem> items, List<String> ids, InboxCounts counts) {

    public enum Change { added, updated, removed }

    public static InboxEvent added(String user, List<InboxItem> items, InboxCounts counts) {
        return new InboxEvent(user, Change.added, items, List.of(), counts);
    }

    public static InboxEvent updated(String user, List<InboxItem> items, InboxCounts counts) {
        return new InboxEvent(user, Change.updated, items, List.of(), counts);
    }

    public static InboxEvent removed(String user, List<String> ids, InboxCounts counts) {
        return new InboxEvent(user, Change.removed, List.of(), ids, counts);
    }

    /** An {@code updated} change with no items: the counts told again ({@link InboxStore#retell}). */
    public boolean isRetelling() {
        return change == Change.updated && items.isEmpty();
    }

    /** The ids the change is about, whatever its kind. */
    public List<String> touched() {
        return change == Change.removed ? ids : items.stream().map(InboxItem::id).toList();
    }
}
