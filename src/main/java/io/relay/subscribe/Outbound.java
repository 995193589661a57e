package io.relay.subscribe;

import io.relay.engine.Notification;
import io.relay.inbox.InboxEvent;

/**
 * Where a session's notifications go: implemented by each transport. Called only on the session's
 * event loop. An implementation keeps its own bounded buffer; when it overflows it closes the
 * session with {@link CloseCode#SLOW_CONSUMER} and the client resumes from its last offset.
 */
public interface Outbound {

    /** @param replay true for history sent on resume, false for a live notification */
    void notification(Notification notification, boolean replay);

    /**
     * A change of the user's inbox. Returns whether it was written to the connection (or will be, right
     * after the welcome), which makes the items it added {@code delivered}.
     */
    boolean inbox(InboxEvent event);

    /** Ends the session; the transport tells the client why and then calls {@link SubscriptionService#close}. */
    void close(CloseCode code);
}
