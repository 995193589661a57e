package io.relay.engine;

import io.relay.channel.ChannelName;
import io.smallrye.mutiny.Uni;

/** Who is subscribed to a channel, over every replica that shares the engine. */
public interface Presence {

    Uni<PresenceInfo> get(ChannelName channel);
}
