package io.relay.engine;

import io.relay.channel.ChannelName;

/** This replica's own subscribers, as the subscription hub knows them; {@link Replicas} sums them. */
public interface LocalSubscribers {

    PresenceInfo presence(ChannelName channel);

    /** Closes the user's connections on this replica (4003); returns how many. */
    int disconnect(String userId);
}
