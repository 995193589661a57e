package io.relay.inbox;

/**
 * Told of every change of every inbox, from any replica, in the order each user's inbox changed. Called
 * on the store's thread (under the inbox's monitor on memory, on the Pub/Sub connection on Redis): it
 * must hand the event on without blocking.
 */
@FunctionalInterface
public interface InboxListener {

    InboxListener NONE = event -> {
    };

    void onInboxEvent(InboxEvent event);
}
