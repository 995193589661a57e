package io.relay.subscribe;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.inject.Singleton;

import io.relay.channel.ChannelName;
import io.relay.engine.LocalSubscribers;
import io.relay.engine.Notification;
import io.relay.engine.NotificationListener;
import io.relay.engine.PresenceInfo;

/**
 * This replica's index of subscriptions by channel, and the receiver of every notification the
 * engine delivers here. A channel's subscriptions are grouped by event loop, so a notification costs
 * one task per event loop, whatever the number of subscribers, and each group is walked on its own
 * loop without locks.
 */
@Singleton
public class Hub implements NotificationListener, LocalSubscribers {

    private final ConcurrentMap<ChannelName, ChannelSubscribers> channels = new ConcurrentHashMap<>();

    /** Called on the subscription's event loop. */
    void add(Subscription subscription) {
        while (true) {
            ChannelSubscribers subscribers = channels.computeIfAbsent(subscription.channel(), ChannelSubscribers::new);
            if (subscribers.add(subscription)) {
                return;
            }
            // detached by a concurrent last removal that has not left the map yet: help it along
            channels.remove(subscription.channel(), subscribers);
        }
    }

    /** Called on the subscription's event loop. */
    void remove(Subscription subscription) {
        ChannelSubscribers subscribers = channels.get(subscription.channel());
        if (subscribers != null && subscribers.remove(subscription)) {
            channels.remove(subscription.channel(), subscribers);
        }
    }

    @Override
    public void onNotification(Notification notification) {
        ChannelSubscribers subscribers = channels.get(notification.channel());
        if (subscribers != null) {
            subscribers.deliver(notification);
        }
    }

    @Override
    public PresenceInfo presence(ChannelName channel) {
        ChannelSubscribers subscribers = channels.get(channel);
        return subscribers == null ? new PresenceInfo(channel, 0, new java.util.TreeSet<>()) : subscribers.presence();
    }
}
