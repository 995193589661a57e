package io.relay.inbox;

import java.util.List;

/** The items a change touched, as they are after it, and the user's counts after it. */
public record InboxChange(List<InboxItem> items, InboxCounts counts) {
}
