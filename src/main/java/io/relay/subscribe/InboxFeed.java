package io.relay.subscribe;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.relay.RelayConfig;
import io.relay.inbox.InboxEvent;
import io.relay.inbox.InboxListener;
import io.relay.inbox.InboxStore;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Vertx;

/**
 * Takes every inbox change the engine reports to the user's live sessions on this replica, each on
 * its own event loop, in the order of the changes; items added are marked {@code delivered} once one
 * session wrote them. After an interruption of the engine's fan-out, the users connected here are told
 * their counts again (a connection that has them already is not); every {@code relay.inbox.sweep-interval} their expired items are dropped, so that
 * their connections learn of expiries when they come.
 */
@Startup
@Singleton
public class InboxFeed implements InboxListener {

    private static final Logger LOG = Logger.getLogger(InboxFeed.class);
    private static final int RETELLS_IN_FLIGHT = 16;

    private final Hub hub;
    private final InboxStore store;

    public InboxFeed(Hub hub, InboxStore store, Vertx vertx, RelayConfig config) {
        this.hub = hub;
        this.store = store;
        hub.whenResumed(this::retellAll);
        vertx.setPeriodic(config.inbox().sweepInterval().toMillis(), id -> dropExpiredOfConnectedUsers());
        // a failure here is retried by the engine's reconnect (Redis subscribes again to everything)
        store.listen(this).subscribe().with(ok -> {
        }, failure -> LOG.warnf("not yet listening to inbox changes: %s", failure.toString()));
    }

    /** So that connections learn of an expiry when it comes, not at the user's next change. */
    private void dropExpiredOfConnectedUsers() {
        List<String> users = hub.users();
        if (!users.isEmpty()) {
            store.dropExpired(users).subscribe().with(done -> {
            }, failure -> LOG.debugf("could not drop expired inbox items: %s", failure.toString()));
        }
    }

    /**
     * The fan-out was interrupted: changes made meanwhile reached no connection here. Each user with one
     * is told the counts as they are now, in order with the changes that follow.
     */
    private void retellAll() {
        Multi.createFrom().iterable(hub.users())
                .onItem().transformToUni(user -> store.retell(user).onFailure().recoverWithNull()).merge(RETELLS_IN_FLIGHT)
                .collect().last()
                .subscribe().with(done -> {
                }, failure -> LOG.debugf("could not retell inbox counts: %s", failure.toString()));
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
                if (session.isClosed() || (event.isRetelling() && event.counts().equals(session.inboxCounts()))) {
                    return; // counts told again that this connection has already
                }
                if (!session.outbound().inbox(event)) {
                    return;
                }
                session.inboxCounts(event.counts());
                if (delivered.compareAndSet(false, true)) {
                    store.delivered(event.user(), event.touched()).subscribe().with(ok -> {
                    }, failure -> LOG.debugf("could not mark inbox items delivered: %s", failure.toString()));
                }
            });
        }
    }
}
