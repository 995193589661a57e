package io.relay.subscribe;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxListener;
import io.relay.inbox.InboxStore;

/**
 * Takes every inbox change the engine reports to the user's live sessions on this replica, each on
 * its own event loop, in the order of the changes; items added are marked {@code delivered} once one
 * session wrote them.
 */
@Startup
@Singleton
public class InboxFeed implements InboxListener {

    private static final Logger LOG = Logger.getLogger(InboxFeed.class);

    private final Hub hub;
    private final InboxStore store;

    public InboxFeed(Hub hub, InboxStore store) {
        this.hub = hub;
        this.store = store;
        // a failure here is retried by the engine's reconnect (Redis subscribes again to everything)
        store.listen(this).subscribe().with(ok -> {
        }, failure -> LOG.warnf("not yet listening to inbox changes: %s", failure.toString()));
    }

    @Override
    public void onInboxEvent(InboxEvent event) {
        List<Session> sessions = hub.sessionsOf(event.user());
        if (sessions.isEmpty()) {
            return;
        }
        AtomicBoolean delivered = new AtomicBoolean(event.change() != InboxEvent.Change.added);
        for (Session session : sessions) {
            session.eventLoop().execute(() -> {
                if (!session.isClosed() && session.outbound().inbox(event) && delivered.compareAndSet(false, true)) {
                    store.delivered(event.user(), event.touched()).subscribe().with(ok -> {
                    }, failure -> LOG.debugf("could not mark inbox items delivered: %s", failure.toString()));
                }
            });
        }
    }
}
