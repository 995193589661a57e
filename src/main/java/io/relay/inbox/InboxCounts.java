package io.relay.inbox;

/**
 * A user's inbox counts: {@code unread} items neither read nor archived, {@code total} items not
 * archived. Exact: every store keeps them with each change, atomically.
 */
public record InboxCounts(int unread, int total) {

    public static final InboxCounts EMPTY = new InboxCounts(0, 0);
}
