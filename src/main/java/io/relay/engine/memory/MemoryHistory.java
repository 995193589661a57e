package io.relay.engine.memory;

import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.Recovery;
import io.relay.channel.StreamPosition;
import io.relay.engine.History;
import io.relay.engine.HistoryPage;
import io.smallrye.mutiny.Uni;

/** Reads the memory engine's ring buffers; a channel it does not hold has no history and stays so. */
public final class MemoryHistory implements History {

    private final MemoryChannels channels;

    public MemoryHistory(MemoryChannels channels) {
        this.channels = channels;
    }

    @Override
    public Uni<HistoryPage> read(ChannelName channel, StreamPosition since, int limit) {
        return Uni.createFrom().item(() -> channels.ifHeld(channel, c -> c.read(since, limit, channels.expiredBefore()),
                () -> new HistoryPage(StreamPosition.EMPTY, Recovery.isRecovered(since, StreamPosition.EMPTY, 1), List.of())));
    }
}
