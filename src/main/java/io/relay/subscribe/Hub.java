package io.relay.subscribe;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import io.netty.channel.EventLoop;
import io.relay.RelayConfig;
import io.relay.channel.ChannelName;
import io.relay.engine.LocalSubscribers;
import io.relay.engine.Notification;
import io.relay.engine.NotificationListener;
import io.relay.engine.PresenceInfo;
import io.relay.metrics.RelayMetrics;

/**
 * This replica's index of sessions (by user) and subscriptions (by channel), and the receiver of
 * every notification the engine delivers here. A channel's subscriptions are grouped by event loop,
 * so a notification costs one task per event loop, whatever the number of subscribers, and each
 * group is walked on its own loop without locks.
 */
@Singleton
public class Hub implements NotificationListener, LocalSubscribers {

    private final ConcurrentMap<ChannelName, ChannelSubscribers> channels = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<Session>> sessionsByUser = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final ConcurrentMap<EventLoop, DeliveryBacklog> backlogs = new ConcurrentHashMap<>();
    private final RelayMetrics metrics;
    private final CatchUps catchUps;
    private final int backlogLimit;
    private final Consumer<Notification> written;
    private final List<Runnable> onResumed = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Hub(RelayMetrics metrics, CatchUps catchUps, RelayConfig config) {
        this.metrics = metrics;
        this.catchUps = catchUps;
        this.backlogLimit = config.limits().deliveryBacklog();
        this.written = notification -> metrics.fannedOut(notification.createdNanos());
    }

    void register(Session session) {
        sessionsByUser.computeIfAbsent(session.subscriber().userId(), u -> ConcurrentHashMap.newKeySet()).add(session);
        sessionCount.incrementAndGet();
    }

    void unregister(Session session) {
        sessionsByUser.computeIfPresent(session.subscriber().userId(), (user, sessions) -> {
            if (sessions.remove(session)) {
                sessionCount.decrementAndGet();
            }
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** The user's live sessions on this replica. */
    List<Session> sessionsOf(String userId) {
        Set<Session> sessions = sessionsByUser.get(userId);
        return sessions == null ? List.of() : List.copyOf(sessions);
    }

    /** Closes every live session of the user on this replica (4003), on their own loops; returns how many. */
    @Override
    public int disconnect(String userId) {
        return closeOnLoops(List.copyOf(sessionsByUser.getOrDefault(userId, Set.of())), CloseCode.DISCONNECTED);
    }

    /** Closes every session (shutdown); returns how many there were. */
    int closeAll(CloseCode code) {
        return closeOnLoops(sessionsByUser.values().stream().flatMap(Set::stream).toList(), code);
    }

    int sessionCount() {
        return sessionCount.get();
    }

    private static int closeOnLoops(List<Session> sessions, CloseCode code) {
        sessions.forEach(session -> session.eventLoop().execute(() -> {
            if (!session.isClosed()) {
                session.outbound().close(code);
            }
        }));
        return sessions.size();
    }

    /** Called on the subscription's event loop. */
    void add(Subscription subscription) {
        while (true) {
            ChannelSubscribers subscribers = channels.computeIfAbsent(subscription.channel(), c -> new ChannelSubscribers(c, this));
            if (subscribers.add(subscription)) {
                return;
            }
            // detached by a concurrent last removal that has not left the map yet: help it along
            channels.remove(subscription.channel(), subscribers);
        }
    }

    /** Called on the subscription's event loop. */
    void remove(Subscription subscription) {
        ChannelSubscribers subscribers = subscription.subscribers;
        if (subscribers != null && subscribers.remove(subscription)) {
            channels.remove(subscription.channel(), subscribers);
        }
    }

    @Override
    public void onNotification(Notification notification) {
        ChannelSubscribers subscribers = channels.get(notification.channel());
        if (subscribers != null) {
            subscribers.deliver(notification, written);
        }
    }

    /**
     * Fan-out interrupted. Nothing is held back: a notification that arrives after a lost one is
     * stopped by the gap rule of {@link Subscription}; each subscription only learns not to follow a
     * new epoch on trust until it has caught up.
     */
    @Override
    public void onInterrupted() {
        metrics.engineError("fanout");
        long generation = catchUps.generation();
        channels.values().forEach(subscribers -> subscribers.forEach(s -> s.fanoutInterrupted(generation)));
    }

    /** Fan-out back: every subscription reads from history what may have been published meanwhile. */
    @Override
    public void onResumed() {
        catchUps.fanoutResumed();
        channels.values().forEach(subscribers -> subscribers.forEach(Subscription::mayHaveMissed));
        onResumed.forEach(Runnable::run);
    }

    /** Also runs {@code action} each time the fan-out is back after an interruption. */
    void whenResumed(Runnable action) {
        onResumed.add(action);
    }

    /** The users with a live session on this replica. */
    List<String> users() {
        return List.copyOf(sessionsByUser.keySet());
    }

    CatchUps catchUps() {
        return catchUps;
    }

    /** The delivery backlog of one event loop, shared by every channel's subscribers there. */
    DeliveryBacklog backlog(EventLoop eventLoop) {
        return backlogs.computeIfAbsent(eventLoop, loop -> new DeliveryBacklog(backlogLimit));
    }

    void deliveryDropped() {
        metrics.deliveryDropped();
    }

    @Override
    public PresenceInfo presence(ChannelName channel) {
        ChannelSubscribers subscribers = channels.get(channel);
        return subscribers == null ? new PresenceInfo(channel, 0, new java.util.TreeSet<>()) : subscribers.presence();
    }
}
