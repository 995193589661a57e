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
    private StreamPosition lastPosition;
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

    /** Buffering after an interruption, until caught up. */
    boolean isSuspended() {
        return state == State.SYNCING && lastPosition != null;
    }

    void offer(Notification notification) {
        switch (state) {
            case LIVE -> {
                // a new epoch restarts the offsets (the engine lost the channel, e.g. its Redis keys
                // expired while it was silent): the client sees the epoch change in the notification
                if (notification.offset() > lastOffset || !notification.position().epoch().equals(lastPosition.epoch())) {
                    lastOffset = notification.offset();
                    lastPosition = notification.position();
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
        lastPosition = latest;
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

    /**
     * The engine's fan-out was interrupted: buffer again, as at the start, until {@link #goLive} with
     * what history holds after {@link #lastPosition}. Only a live subscription has anything to catch up.
     */
    void suspend() {
        if (state == State.LIVE) {
            state = State.SYNCING;
            buffered = new ArrayList<>();
        }
    }

    /** The last position sent to the subscriber (or announced to it when it started). */
    StreamPosition lastPosition() {
        return lastPosition;
    }

    void close() {
        state = State.CLOSED;
        buffered = null;
    }
}
