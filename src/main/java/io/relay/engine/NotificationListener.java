package io.relay.engine;

/**
 * Receives every notification for the channels this replica subscribed to through {@link Broker},
 * per channel in offset order. Called on the publishing thread: it must only hand work off, never block.
 */
public interface NotificationListener {

    void onNotification(Notification notification);
}
