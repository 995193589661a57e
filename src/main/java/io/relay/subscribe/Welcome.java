package io.relay.subscribe;

import java.util.List;

import io.relay.inbox.InboxCounts;

/** What a session starts with: where each of its channels starts, and its user's inbox counts. */
public record Welcome(List<SubscriptionStart> channels, InboxCounts inbox) {
}
