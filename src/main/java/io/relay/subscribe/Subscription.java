package io.relay.subscribe;

import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.Continuity;
import io.relay.channel.StreamPosition;
import io.relay.engine.HistoryPage;
import io.relay.engine.Notification;

/**
 * One session's subscription to one channel. Confined to the session's event loop: every method runs
 * there, so no field needs a lock.
 *
 * <p>The rule it keeps: a notification is delivered only when it is the {@link Continuity#NEXT} one
 * after the last position given. Whatever makes a jump (a fan-out message lost in a Redis blip, a
 * delivery dropped by a full backlog, a race with the start), the subscription buffers and asks its
 * channel's {@link ChannelCatchUp} for what history holds in between, or closes the session with
 * {@link CloseCode#HISTORY_RESET} when history no longer has it, so that the client resumes and learns
 * {@code recovered:false}. A new epoch from its offset 1 is followed (the channel's history expired
 * while it was silent), except after a fan-out interruption, when it may mean that Redis lost what
 * this subscriber was not given yet: then it is a reset too.
 *
 * <p>It starts {@code SYNCING}: already in the hub, so live notifications arrive and are buffered
 * while its first history read runs; {@link #goLive} then sends the replay and the buffered ones that
 * follow it. The buffer is bounded by the session's pending limit; overflowing it closes the session
 * as a slow consumer (the client resumes, nothing is lost).
 */
final class Subscription {

    private enum State { SYNCING, LIVE, CATCHING_UP, CLOSED }

    /** Catch-ups in a row that ended at the same gap: history is not going to fill it. */
    private static final int MAX_FRUITLESS_CATCH_UPS = 3;

    private final Session session;
    private final ChannelName channel;
    private State state = State.SYNCING;
    private List<Notification> buffered = new ArrayList<>();
    /** The last position given to the subscriber (or announced to it when it started). */
    private StreamPosition position;
    /** Notifications may have been lost while the first read ran: what it saw may be older than them. */
    private boolean catchUpAfterSync;
    private int fruitlessCatchUps;
    /** The fan-out was interrupted and no page read since it came back has been applied. */
    private boolean interrupted;
    /** The fan-out generation the interruption happened in. */
    private long interruptedIn;
    /** The channel's subscribers on this replica; set by them when the subscription joins. */
    ChannelSubscribers subscribers;
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
            case LIVE -> accept(notification);
            case SYNCING, CATCHING_UP -> buffer(notification);
            case CLOSED -> {
            }
        }
    }

    private void accept(Notification notification) {
        Continuity continuity = Continuity.of(position, notification.position());
        if (continuity == Continuity.NEXT && interrupted && isLostLife(notification.position())) {
            continuity = Continuity.GAP;
        }
        switch (continuity) {
            case NEXT -> give(notification, false);
            case SEEN -> {
            }
            case GAP -> {
                state = State.CATCHING_UP;
                buffered = new ArrayList<>();
                buffer(notification);
                requestCatchUp();
            }
        }
    }

    /**
     * The subscriber's position moves to the notification; it is written unless its ttl has passed. An
     * expired notification is out of retention: its offset is skipped, and that is no gap.
     */
    private void give(Notification notification, boolean replay) {
        position = notification.position();
        if (!notification.isExpired(session.clock())) {
            session.outbound().notification(notification, replay);
        }
    }

    private void buffer(Notification notification) {
        if (buffered.size() >= session.maxPending()) {
            session.outbound().close(CloseCode.SLOW_CONSUMER);
        } else {
            buffered.add(notification);
        }
    }

    /** Sends the first read's replay, then the buffered notifications that follow it, and goes live. */
    void goLive(List<Notification> replay, StreamPosition latest) {
        if (state != State.SYNCING) {
            return;
        }
        for (Notification notification : replay) {
            give(notification, true);
            if (state == State.CLOSED) {
                return;
            }
        }
        position = latest;
        drain();
        if (catchUpAfterSync && state == State.LIVE) {
            requestCatchUp();
        }
        catchUpAfterSync = false;
    }

    /**
     * Notifications may have been lost on the way here (the fan-out came back after an interruption,
     * or deliveries were dropped), and no later one may come to show the gap: read what history
     * holds after this subscription's position (a live subscription keeps delivering meanwhile).
     */
    void mayHaveMissed() {
        switch (state) {
            case SYNCING -> catchUpAfterSync = true;
            case LIVE, CATCHING_UP -> requestCatchUp();
            case CLOSED -> {
            }
        }
    }

    /**
     * A catch-up read of the channel came back: sends what it holds after this subscription's position,
     * then the buffered notifications that follow. Closes the session when the page shows that history
     * lost what this subscription needs. A subscription still in its first read, or behind the
     * position the page was read from, ignores it.
     */
    void caughtUp(CatchUpPage read) {
        if ((state != State.LIVE && state != State.CATCHING_UP) || !read.covers(position)) {
            // a page read from after this position serves others; this subscription's own request is still pending
            return;
        }
        HistoryPage page = read.page();
        StreamPosition latest = page.latest();
        StreamPosition before = position;
        if (interrupted && isLostLife(latest)) {
            // Redis lost the channel's history around a blip, maybe with what this subscriber was not given
            resetHistory();
            return;
        }
        // in a new life of the channel, everything from its offset 1 is what follows
        long after = position.epoch().equals(latest.epoch()) ? position.offset() : 0;
        for (Notification notification : page.notifications()) {
            if (notification.offset() <= after) {
                continue;
            }
            if (notification.offset() != after + 1) {
                resetHistory();
                return;
            }
            after = notification.offset();
            give(notification, true);
            if (state == State.CLOSED) {
                return;
            }
        }
        if (after < latest.offset()) {
            if (!page.more()) {
                resetHistory();
                return;
            }
            // a page is bounded: what it did not hold is read next
            if (state == State.LIVE) {
                state = State.CATCHING_UP;
                buffered = new ArrayList<>();
            }
            requestCatchUp();
            return;
        }
        if (read.generation() > interruptedIn) {
            interrupted = false;
        }
        drain();
        if (state != State.CATCHING_UP || !position.equals(before)) {
            fruitlessCatchUps = 0;
        } else if (++fruitlessCatchUps >= MAX_FRUITLESS_CATCH_UPS) {
            // a page read after the gap was seen must cover it; one that never does means history lost it
            resetHistory();
        }
    }

    /** Goes live with what was buffered meanwhile; a gap in it starts another catch-up. */
    private void drain() {
        List<Notification> pending = buffered == null ? List.of() : buffered;
        buffered = null;
        state = State.LIVE;
        for (int i = 0; i < pending.size(); i++) {
            switch (state) {
                case LIVE -> accept(pending.get(i));
                case CATCHING_UP -> buffer(pending.get(i));
                case SYNCING, CLOSED -> {
                    return;
                }
            }
        }
    }

    /** The fan-out was interrupted: until a catch-up read after it came back, a new epoch is not taken on trust. */
    void fanoutInterrupted(long generation) {
        interrupted = true;
        interruptedIn = generation;
    }

    /** A position in another epoch than this subscriber's, which had been given something of its own. */
    private boolean isLostLife(StreamPosition other) {
        return !other.epoch().equals(position.epoch()) && position.offset() > 0;
    }

    private void requestCatchUp() {
        subscribers.catchUp().need(position);
    }

    private void resetHistory() {
        if (!session.isClosed()) {
            session.outbound().close(CloseCode.HISTORY_RESET);
        }
    }

    void close() {
        state = State.CLOSED;
        buffered = null;
    }
}
