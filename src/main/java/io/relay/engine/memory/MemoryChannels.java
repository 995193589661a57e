package io.relay.engine.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.Epochs;

/**
 * The memory engine's channels. A channel is created by its first publish with a random epoch, and
 * dropped by {@link #sweep()} once it retains no notification, so memory follows what is published.
 * Reads and subscriptions create none: a channel the engine does not hold is at
 * {@link StreamPosition#EMPTY}. So {@code maxChannels} counts channels that hold notifications (and
 * those emptied since the last sweep); creation beyond it is refused for publishes (503), never for a
 * channel that already exists.
 */
public final class MemoryChannels {

    private final ConcurrentMap<ChannelName, MemoryChannel> channels = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int historySize;
    private final Duration ttl;
    private final int maxChannels;

    public MemoryChannels(Clock clock, int historySize, Duration ttl, int maxChannels) {
        this.clock = clock;
        this.historySize = historySize;
        this.ttl = ttl;
        this.maxChannels = maxChannels;
    }

    /**
     * Runs {@code action} on the channel under its lock, creating the channel if needed. Retries when
     * the sweeper evicted the channel between lookup and lock.
     */
    <T> T withChannel(ChannelName name, boolean mayRefuse, Function<MemoryChannel, T> action) {
        while (true) {
            MemoryChannel channel = channels.get(name);
            if (channel == null) {
                if (mayRefuse && channels.size() >= maxChannels) {
                    throw new EngineUnavailableException("the memory engine holds its maximum of "
                            + maxChannels + " channels (relay.history.max-channels)", null);
                }
                channel = channels.computeIfAbsent(name, n -> new MemoryChannel(n, Epochs.fresh(), historySize));
            }
            synchronized (channel) {
                if (channel.isLive()) {
                    return action.apply(channel);
                }
            }
        }
    }

    /**
     * Runs {@code action} on the channel under its lock if the engine holds it, else answers
     * {@code absent()}; creates nothing. Retries when the sweeper evicted the channel between lookup
     * and lock.
     */
    <T> T ifHeld(ChannelName name, Function<MemoryChannel, T> action, Supplier<T> absent) {
        while (true) {
            MemoryChannel channel = channels.get(name);
            if (channel == null) {
                return absent.get();
            }
            synchronized (channel) {
                if (channel.isLive()) {
                    return action.apply(channel);
                }
            }
        }
    }

    /** Drops expired notifications and evicts idle channels. */
    public void sweep() {
        Instant expiredBefore = expiredBefore();
        for (ChannelName name : channels.keySet()) {
            channels.computeIfPresent(name, (n, channel) -> {
                synchronized (channel) {
                    return channel.evictIfIdle(expiredBefore) ? null : channel;
                }
            });
        }
    }

    Instant now() {
        return clock.instant();
    }

    Instant expiredBefore() {
        return clock.instant().minus(ttl);
    }

    public int size() {
        return channels.size();
    }
}
