package io.relay.engine.redis;

import io.relay.channel.ChannelName;

/**
 * Where the Redis engine keeps things. A channel's keys share the hash tag {@code {channel}}, so the
 * three of them live in one slot.
 */
final class RedisKeys {

    /** Pub/Sub channel prefix of the fan-out of a channel's notifications. */
    static final String FANOUT_PREFIX = "relay:n:";
    /** Idempotency keys by claim time, to forget the oldest beyond relay.idempotency.max-keys. */
    static final String IDEMPOTENCY_INDEX = "relay:idem-index";
    private static final String PREFIX = "relay:ch:{";

    private RedisKeys() {
    }

    static String offset(ChannelName channel) {
        return PREFIX + channel.value() + "}:offset";
    }

    static String epoch(ChannelName channel) {
        return PREFIX + channel.value() + "}:epoch";
    }

    static String stream(ChannelName channel) {
        return PREFIX + channel.value() + "}:stream";
    }

    static String fanout(ChannelName channel) {
        return FANOUT_PREFIX + channel.value();
    }

    static String idempotency(String key) {
        return "relay:idem:" + key;
    }
}
