package io.relay.inbox;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One notification in one user's inbox, as the subscriber API shows it. {@code data} is the JSON text
 * the publisher sent, written as it is. {@code expiresAt} is when it leaves the inbox: its {@code ttl},
 * or {@code relay.inbox.retention} after it was published, whichever comes first.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record InboxItem(String id, String event, @JsonRawValue String data, Instant time, Instant expiresAt,
        boolean delivered, boolean read, boolean archived) {

    /** Neither read nor archived: what {@code unread} counts. */
    public boolean isUnread() {
        return !read && !archived;
    }

    public InboxItem withRead(boolean value) {
        return new InboxItem(id, event, data, time, expiresAt, delivered, value, archived);
    }

    public InboxItem withArchived(boolean value) {
        return new InboxItem(id, event, data, time, expiresAt, delivered, read, value);
    }

    public InboxItem withDelivered() {
        return new InboxItem(id, event, data, time, expiresAt, true, read, archived);
    }

    /** Whether {@code filter} lists it. */
    public boolean matches(InboxFilter filter) {
        return switch (filter) {
            case UNREAD -> isUnread();
            case READ -> read && !archived;
            case ARCHIVED -> archived;
            case ALL -> !archived;
        };
    }
}
