package io.relay.limit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;

/**
 * The subscriber connections this replica holds, per replica and per user, for
 * {@code relay.limits.max-connections} and {@code max-connections-per-user}. A handshake takes its slot
 * in the same step as the check, so concurrent handshakes cannot all pass a cap that only one more
 * fits; the slot is given back once, by whichever comes first of a refusal, a failure or the end of
 * its connection. The counts are guarded by {@code this}.
 */
@Singleton
public class ConnectionSlots {

    private final int maxConnections;
    private final int maxConnectionsPerUser;
    private int connections;
    private final Map<String, Integer> byUser = new HashMap<>();

    public ConnectionSlots(RelayConfig config) {
        this.maxConnections = config.limits().maxConnections();
        this.maxConnectionsPerUser = config.limits().maxConnectionsPerUser();
    }

    /** One connection's slot. */
    public final class Slot {
        private final String userId;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot(String userId) {
            this.userId = userId;
        }

        /** Gives the slot back; only the first call counts. */
        public void release() {
            if (held.compareAndSet(true, false)) {
                ConnectionSlots.this.release(userId);
            }
        }
    }

    /**
     * Takes a slot for a connection of the user; throws {@link LimitExceededException} (nothing taken)
     * when the replica or the user holds its maximum.
     */
    synchronized Slot reserve(String userId) {
        if (connections >= maxConnections) {
            throw new LimitExceededException(Limit.CONNECTIONS, "this replica holds its maximum of " + maxConnections
                    + " subscriber connections (relay.limits.max-connections)", 1);
        }
        int ofUser = byUser.getOrDefault(userId, 0);
        if (ofUser >= maxConnectionsPerUser) {
            throw new LimitExceededException(Limit.USER_CONNECTIONS, "this user holds its maximum of "
                    + maxConnectionsPerUser + " connections on this replica (relay.limits.max-connections-per-user)", 1);
        }
        connections++;
        byUser.put(userId, ofUser + 1);
        return new Slot(userId);
    }

    private synchronized void release(String userId) {
        connections--;
        byUser.computeIfPresent(userId, (user, count) -> count == 1 ? null : count - 1);
    }

    /** Slots held now. */
    public synchronized int connections() {
        return connections;
    }
}
