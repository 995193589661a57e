package io.relay.inbox;

import java.util.List;

import io.relay.problem.Problem;
import io.relay.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * The inbox role of an engine: per user, the notifications published to them with {@code inbox:true},
 * with read state and counts shared by all their devices. Unlike {@code engine.History}, which may
 * drop entries, an inbox keeps an item until the user deletes it, its {@code expiresAt} passes, or
 * {@code relay.inbox.max-items} newer ones push it out. Every change and its count update is one atomic
 * step, so counts are exact under concurrent publishes and marks. No read ever shows an expired item.
 * Users are ids as in a token's {@code sub}; an id no inbox holds reads as empty and creates nothing.
 * Each change is also told, as an {@link InboxEvent}, to the {@link InboxListener} of every replica, in
 * the order of the changes of each user's inbox (so the counts of a user's last event are the current ones).
 */
public interface InboxStore {

    /** Puts the entry in each user's inbox (once: a user who has it keeps it as it is); returns how many users got it. */
    Uni<Integer> store(List<String> users, InboxEntry entry);

    /**
     * Newest first, at most {@code limit}, older than the item {@code before} when given. Fails with
     * {@link #beforeNotHeld()} when the inbox does not hold {@code before}.
     */
    Uni<InboxPage> list(String user, InboxFilter filter, int limit, String before);

    /** The refusal of a page after an item no longer held: ids are random, so no position follows from one. */
    static ProblemException beforeNotHeld() {
        return Problem.INVALID_REQUEST.exception("before names no item of this inbox (deleted, expired or recalled "
                + "since): list again from the newest");
    }

    Uni<InboxCounts> counts(String user);

    /**
     * Sets {@code read} and/or {@code archived} (null leaves a flag as it is) on one item; the change
     * holds the item as it is after it. Fails with {@link InboxItemNotFoundException} when the user's
     * inbox does not hold that id.
     */
    Uni<InboxChange> update(String user, String id, Boolean read, Boolean archived);

    /** Sets one flag on the named items (ids it does not hold are left out) or on all; the change holds the items whose flag changed. */
    Uni<InboxChange> mark(String user, InboxMark mark);

    /** Removes one item; the counts after. Fails with {@link InboxItemNotFoundException} as {@link #update} does. */
    Uni<InboxCounts> delete(String user, String id);

    /** Removes the notification from every inbox that holds it; the users it was removed from (empty: unknown). */
    Uni<List<String>> recall(String id);

    /**
     * Sets {@code delivered} on the named items the user's inbox holds: they were written to one of the
     * user's live connections. Not a change the user's devices are told of.
     */
    Uni<Void> delivered(String user, List<String> ids);

    /**
     * Drops the expired items of these users' inboxes now, telling each removal, rather than at the
     * next operation on them: for users whose connections are to learn of expiries as they happen.
     */
    Uni<Void> dropExpired(List<String> users);

    /**
     * Tells every replica the user's counts as they are, as an {@code updated} change with no items, in
     * order with the changes of the user's inbox: for connections that may have missed changes.
     */
    Uni<Void> retell(String user);

    /**
     * Every change of every inbox, on every replica sharing the engine, goes to {@code listener} (one
     * listener: a second call replaces the first) from the moment the returned Uni completes.
     */
    Uni<Void> listen(InboxListener listener);
}
