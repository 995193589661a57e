package io.relay.engine;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.smallrye.mutiny.Uni;

/** Retained notifications of a channel, for resume. */
public interface History {

    /**
     * Reads what a client at {@code since} has not seen, atomically with the channel's latest position.
     * With {@code since} null (start from now) nothing is read. Otherwise, when {@code since} is still
     * covered by retention in the same epoch, the notifications after it ({@code recovered:true});
     * else everything retained ({@code recovered:false}). At most {@code limit}, oldest first.
     */
    Uni<HistoryPage> read(ChannelName channel, StreamPosition since, int limit);
}
