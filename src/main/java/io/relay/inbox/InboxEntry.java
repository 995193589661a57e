package io.relay.inbox;

import java.time.Instant;

/**
 * A published notification as it enters its users' inboxes: the publish id, event, data (JSON text),
 * publish time, and when it leaves every inbox (its ttl or the retention, whichever comes first).
 */
public record InboxEntry(String id, String event, String data, Instant time, Instant expiresAt) {

    /** The item a user's inbox starts it as: not delivered, unread, not archived. */
    public InboxItem newItem() {
        return new InboxItem(id, event, data, time, expiresAt, false, false, false);
    }
}
