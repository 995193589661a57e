package io.relay.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.engine.PublishRequest;
import io.smallrye.mutiny.Uni;

/**
 * The inbox as the API and publishing use it: what a publish stores and for how long, and the reads
 * and changes of one user's inbox through the engine's {@link InboxStore}.
 */
@Singleton
public class InboxService {

    private final InboxStore store;
    private final Clock clock;
    private final Duration retention;

    public InboxService(InboxStore store, Clock clock, RelayConfig config) {
        this.store = store;
        this.clock = clock;
        this.retention = config.inbox().retention();
    }

    /**
     * The publish as it enters inboxes: it leaves them at its ttl or after the retention, whichever comes
     * first. Times are kept to the millisecond, as Redis keeps them, so both engines show the same.
     */
    public InboxEntry entry(PublishRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant kept = now.plus(retention);
        Instant expiresAt = request.ttl() == null ? kept : min(kept, request.expiresAt(now));
        return new InboxEntry(request.id(), request.event(), request.data(), now, expiresAt);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    public Uni<Integer> store(List<String> users, InboxEntry entry) {
        return store.store(users, entry);
    }

    public Uni<InboxPage> list(String user, InboxFilter filter, int limit, String before) {
        return store.list(user, filter, limit, before);
    }

    public Uni<InboxCounts> counts(String user) {
        return store.counts(user);
    }

    public Uni<InboxItem> update(String user, String id, Boolean read, Boolean archived) {
        return store.update(user, id, read, archived).map(change -> change.items().get(0));
    }

    public Uni<InboxChange> mark(String user, InboxMark mark) {
        return store.mark(user, mark);
    }

    public Uni<InboxCounts> delete(String user, String id) {
        return store.delete(user, id);
    }

    /** Removes a notification from every inbox; the number of inboxes it left. */
    public Uni<Integer> recall(String id) {
        return store.recall(id).map(List::size);
    }
}
