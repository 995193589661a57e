package io.relay.subscribe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.channel.EventLoop;
import io.relay.channel.ChannelName;
import io.relay.engine.Notification;
import io.relay.engine.PresenceInfo;

/**
 * The subscriptions to one channel on this replica, one {@link LoopGroup} per event loop. The group
 * array is copy-on-write (it changes only when a loop gets its first or loses its last subscriber)
 * and read without a lock on the publish path; {@code count}, {@code users} and {@code detached} are
 * guarded by {@code this}. Once the last subscription leaves, the instance is detached and a new one
 * takes its place in the hub. It owns the channel's {@link ChannelCatchUp}.
 */
final class ChannelSubscribers {

    private final ChannelName channel;
    private final Hub hub;
    private final ChannelCatchUp catchUp;
    private volatile LoopGroup[] groups = new LoopGroup[0];
    private final Map<String, Integer> users = new HashMap<>();
    private int count;
    private boolean detached;

    ChannelSubscribers(ChannelName channel, Hub hub) {
        this.channel = channel;
        this.hub = hub;
        this.catchUp = new ChannelCatchUp(this, hub.catchUps());
    }

    ChannelName channel() {
        return channel;
    }

    ChannelCatchUp catchUp() {
        return catchUp;
    }

    synchronized boolean isDetached() {
        return detached;
    }

    /** False when this instance was detached: the caller looks the channel up again. */
    synchronized boolean add(Subscription subscription) {
        if (detached) {
            return false;
        }
        groupFor(subscription.session().eventLoop()).add(subscription);
        subscription.subscribers = this;
        users.merge(subscription.session().subscriber().userId(), 1, Integer::sum);
        count++;
        return true;
    }

    /** True when this was the last subscription: the instance is now detached. */
    synchronized boolean remove(Subscription subscription) {
        boolean removed = false;
        for (LoopGroup group : groups) {
            if (group.eventLoop == subscription.session().eventLoop()) {
                removed = group.remove(subscription);
            }
        }
        if (!removed) {
            return false;
        }
        users.computeIfPresent(subscription.session().subscriber().userId(), (u, n) -> n == 1 ? null : n - 1);
        count--;
        detached = count == 0;
        return detached;
    }

    /**
     * Delivers on each event loop, then tells {@code written} once per loop (not per subscriber). A
     * loop whose backlog is full does not get this one: its subscribers catch up from history.
     */
    void deliver(Notification notification, Consumer<Notification> written) {
        for (LoopGroup group : groups) {
            if (!group.backlog.tryAdd()) {
                hub.deliveryDropped();
                group.dropped();
                continue;
            }
            try {
                group.eventLoop.execute(() -> {
                    group.backlog.done();
                    group.deliver(notification);
                    written.accept(notification);
                });
            } catch (RejectedExecutionException shuttingDown) {
                // the loop is stopping with its sessions: nothing of it waits for this delivery
                group.backlog.done();
            }
        }
    }

    /** Runs {@code action} for every subscription, each on its own event loop. */
    void forEach(Consumer<Subscription> action) {
        for (LoopGroup group : groups) {
            group.eventLoop.execute(() -> List.copyOf(group.members).forEach(action));
        }
    }

    synchronized PresenceInfo presence() {
        return new PresenceInfo(channel, count, new TreeSet<>(users.keySet()));
    }

    private LoopGroup groupFor(EventLoop eventLoop) {
        for (LoopGroup group : groups) {
            if (group.eventLoop == eventLoop) {
                return group;
            }
        }
        LoopGroup group = new LoopGroup(eventLoop, hub.backlog(eventLoop));
        LoopGroup[] grown = Arrays.copyOf(groups, groups.length + 1);
        grown[groups.length] = group;
        groups = grown;
        return group;
    }

    /**
     * The subscriptions of one event loop. Its list is touched only on that loop: adds and removes
     * come from sessions owned by it, deliveries run as tasks on it.
     */
    private static final class LoopGroup {
        final EventLoop eventLoop;
        final DeliveryBacklog backlog;
        private final ArrayList<Subscription> members = new ArrayList<>();
        /** A catch-up task for this group is queued on its loop; set by publishing threads, cleared on the loop. */
        private final AtomicBoolean catchUpQueued = new AtomicBoolean();

        LoopGroup(EventLoop eventLoop, DeliveryBacklog backlog) {
            this.eventLoop = eventLoop;
            this.backlog = backlog;
        }

        /**
         * A delivery was dropped: once the loop has run what is queued before it, every member asks
         * for what it missed (no later notification may come to show the gap). One such task at a time.
         */
        void dropped() {
            if (catchUpQueued.compareAndSet(false, true)) {
                eventLoop.execute(() -> {
                    catchUpQueued.set(false);
                    for (int i = members.size() - 1; i >= 0; i--) {
                        members.get(i).mayHaveMissed();
                    }
                });
            }
        }

        void add(Subscription subscription) {
            subscription.slot = members.size();
            members.add(subscription);
        }

        /** False when the subscription is not a member. */
        boolean remove(Subscription subscription) {
            int slot = subscription.slot;
            if (slot < 0 || slot >= members.size() || members.get(slot) != subscription) {
                return false;
            }
            Subscription last = members.remove(members.size() - 1);
            if (last != subscription) {
                members.set(slot, last);
                last.slot = slot;
            }
            subscription.slot = -1;
            return true;
        }

        /** Walks backwards: a delivery may close its session, which swap-removes the current slot. */
        void deliver(Notification notification) {
            for (int i = members.size() - 1; i >= 0; i--) {
                if (i < members.size()) {
                    members.get(i).offer(notification);
                }
            }
        }
    }
}
