package io.relay.engine.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Broker;
import io.relay.engine.Notification;
import io.relay.engine.NotificationListener;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;

/** Offsets and fan-out within one process. */
public final class MemoryBroker implements Broker {

    private final MemoryChannels channels;
    private final NotificationListener listener;

    public MemoryBroker(MemoryChannels channels, NotificationListener listener) {
        this.channels = channels;
        this.listener = listener;
    }

    @Override
    public Uni<PublishResult> publish(PublishRequest request) {
        return Uni.createFrom().item(() -> publishNow(request));
    }

    private PublishResult publishNow(PublishRequest request) {
        // Nothing here can fail after the first channel took its notification except capacity, which
        // is checked for all channels first, so a multi-channel publish lands everywhere or nowhere.
        for (ChannelName name : request.channels()) {
            channels.withChannel(name, true, channel -> null);
        }
        Instant now = channels.now();
        List<PublishResult.Placement> placements = new ArrayList<>(request.channels().size());
        for (ChannelName name : request.channels()) {
            StreamPosition position = channels.withChannel(name, false, channel -> {
                Notification notification = new Notification(request.id(), name,
                        new StreamPosition(channel.epoch(), channel.nextOffset()), request.event(), request.data(), now,
                        request.expiresAt(now));
                channel.append(notification);
                listener.onNotification(notification);
                return notification.position();
            });
            placements.add(new PublishResult.Placement(name, position));
        }
        return new PublishResult(request.id(), placements);
    }

    /** Nothing to do: the listener gets every channel's notifications, and a subscriber keeps no channel. */
    @Override
    public Uni<Void> subscribe(ChannelName channel) {
        return Uni.createFrom().voidItem();
    }

    @Override
    public void unsubscribe(ChannelName channel) {
    }
}
