package io.relay.engine;

import io.relay.channel.ChannelName;

/** This replica's own subscriptions, as the subscription hub knows them; presence is built on it. */
public interface LocalSubscribers {

    PresenceInfo presence(ChannelName channel);
}
