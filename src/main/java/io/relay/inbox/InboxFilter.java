package io.relay.inbox;

import java.util.Locale;

/** Which items a listing shows: {@code all} means every item not archived. */
public enum InboxFilter {
    UNREAD, READ, ARCHIVED, ALL;

    /** The filter named by the query parameter; null when the name is none of them. */
    public static InboxFilter named(String name) {
        for (InboxFilter filter : values()) {
            if (filter.name().toLowerCase(Locale.ROOT).equals(name)) {
                return filter;
            }
        }
        return null;
    }
}
