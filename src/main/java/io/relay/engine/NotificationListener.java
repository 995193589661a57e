package io.relay.engine;

/**
 * Receives every notification for the channels this replica subscribed to through {@link Broker},
 * per channel in offset order. Called on the publishing thread: it must only hand work off, never block.
 */
public interface NotificationListener {

    void onNotification(Notification notification);

    /** A shared engine lost its fan-out connection: notifications may be missed until {@link #onResumed}. */
    default void onInterrupted() {
    }

    /** The fan-out is back: whatever was missed meanwhile is in history. */
    default void onResumed() {
    }
}
