package io.relay.engine;

import java.util.SortedSet;

import io.relay.channel.ChannelName;

/** The subscriptions to one channel: how many connections, and the distinct users behind them. */
public record PresenceInfo(ChannelName channel, int connections, SortedSet<String> users) {
}
