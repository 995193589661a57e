package io.relay.inbox;

import java.util.List;

/**
 * One page of a listing, newest first, with the counts read in the same step; {@code next} is the id
 * to pass as {@code before} for the following page, or null when this one is the last.
 */
public record InboxPage(List<InboxItem> items, InboxCounts counts, String next) {
}
