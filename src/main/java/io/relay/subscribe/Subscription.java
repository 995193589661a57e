package io.relay.subscribe;

import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Notification;

/**
 * One session's subscription to one channel. Confined to the session's event loop: every method runs
 * there, so no field needs a lock.
 *
 * <p>A subscription starts {@code SYNCING}: it is already in the hub, so live notifications arrive,
 * but they are buffered while history is read. {@link #goLive} then drops the buffered ones the
 * replay covered and sends the rest, which is how a resume has neither gap nor duplicate even when
 * publishes race it. The buffer is bounded by the session's pending limit; overflowing it closes the
 * session as a slow consumer.
 */
final class Subscription {

    private enum State { SYNCING, LIVE, CLOSED }

    private final Session session;
    private final ChannelName channel;
    private State state = State.SYNCING;
    private List<Notification> buffered = new ArrayList<>();
    private long lastOffset;
    /** Position in the hub's per-loop member list, for O(1) removal; owned by the hub. */
    int slot = -1;

    Subscription(Session session, ChannelName channel) {
        this.session = session;
        this.channel = channel;
    }

    Session session() {
        return session;
    }

    ChannelName channel() {
        return channel;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    void offer(Notification notification) {
        switch (state) {
            case LIVE -> {
                if (notification.offset() > lastOffset) {
                    lastOffset = notification.offset();
                    session.outbound().notification(notification, false);
                }
            }
            case SYNCING -> {
                if (buffered.size() >= session.maxPending()) {
                    session.outbound().close(CloseCode.SLOW_CONSUMER);
                } else {
                    buffered.add(notification);
                }
            }
            case CLOSED -> {
            }
        }
    }

    /** Sends the replay, then the live notifications that came after it, and switches to live delivery. */
    void goLive(List<Notification> replay, StreamPosition latest) {
        if (state != State.SYNCING) {
            return;
        }
        lastOffset = latest.offset();
        for (Notification notification : replay) {
            if (state == State.CLOSED) {
                return;
            }
            session.outbound().notification(notification, true);
        }
        if (state == State.CLOSED) {
            return;
        }
        List<Notification> pending = buffered;
        buffered = null;
        state = State.LIVE;
        for (Notification notification : pending) {
            if (state == State.LIVE && notification.position().epoch().equals(latest.epoch())) {
                offer(notification);
            }
        }
    }

    void close() {
        state = State.CLOSED;
        buffered = null;
    }
}
