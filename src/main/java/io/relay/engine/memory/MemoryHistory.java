package io.relay.engine.memory;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.History;
import io.relay.engine.HistoryPage;
import io.smallrye.mutiny.Uni;

/** Reads the memory engine's ring buffers. */
public final class MemoryHistory implements History {

    private final MemoryChannels channels;

    public MemoryHistory(MemoryChannels channels) {
        this.channels = channels;
    }

    @Override
    public Uni<HistoryPage> read(ChannelName channel, StreamPosition since, int limit) {
        return Uni.createFrom().item(() -> channels.withChannel(channel, false, c -> {
            c.touch(channels.now());
            return c.read(since, limit, channels.expiredBefore());
        }));
    }
}
