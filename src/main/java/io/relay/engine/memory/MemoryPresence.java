package io.relay.engine.memory;

import io.relay.channel.ChannelName;
import io.relay.engine.LocalSubscribers;
import io.relay.engine.Presence;
import io.relay.engine.PresenceInfo;
import io.smallrye.mutiny.Uni;

/** With one replica, presence is what this replica's hub holds. */
public final class MemoryPresence implements Presence {

    private final LocalSubscribers local;

    public MemoryPresence(LocalSubscribers local) {
        this.local = local;
    }

    @Override
    public Uni<PresenceInfo> get(ChannelName channel) {
        return Uni.createFrom().item(local.presence(channel));
    }
}
