package io.relay.engine;

import io.relay.channel.ChannelName;
import io.smallrye.mutiny.Uni;

/** Every replica sharing the engine, seen as one: presence and disconnects summed over all of them. */
public interface Replicas {

    Uni<PresenceInfo> presence(ChannelName channel);

    /** Closes the user's connections on every replica (4003); answers how many were closed. */
    Uni<Integer> disconnect(String userId);
}
