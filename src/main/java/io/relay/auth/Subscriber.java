package io.relay.auth;

import java.time.Instant;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.ChannelPattern;

/**
 * An authenticated subscriber: the token's {@code sub}, the channel grants of its {@code channels}
 * claim, and when the token expires (null when it has no {@code exp}).
 */
public record Subscriber(String userId, List<ChannelPattern> grants, Instant expiresAt) {

    public ChannelName personalChannel() {
        return ChannelName.personal(userId);
    }
}
