package io.relay.engine.memory;

import io.relay.channel.ChannelName;
import io.relay.engine.LocalSubscribers;
import io.relay.engine.PresenceInfo;
import io.relay.engine.Replicas;
import io.smallrye.mutiny.Uni;

/** With one replica, everything is local. */
public final class MemoryReplicas implements Replicas {

    private final LocalSubscribers local;

    public MemoryReplicas(LocalSubscribers local) {
        this.local = local;
    }

    @Override
    public Uni<PresenceInfo> presence(ChannelName channel) {
        return Uni.createFrom().item(local.presence(channel));
    }

    @Override
    public Uni<Integer> disconnect(String userId) {
        return Uni.createFrom().item(local.disconnect(userId));
    }
}
