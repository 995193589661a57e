package io.relay.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.auth.Subscriber;
import io.relay.metrics.RelayMetrics;

/**
 * The {@code relay.limits.*} that protect a replica: subscriber connections per replica and per
 * user, new subscriber requests per second, publishes per second per publisher key, and WebSocket
 * ops per second per connection. Each refusal is counted ({@code relay_limited_total{limit}}).
 */
@Singleton
public class Limits {

    private final ConnectionSlots connections;
    private final RelayMetrics metrics;
    private final int publishRate;
    private final int wsOpRate;
    private final TokenBucket handshakes;
    private final Map<Integer, TokenBucket> publishes = new ConcurrentHashMap<>();

    public Limits(ConnectionSlots connections, RelayMetrics metrics, RelayConfig config) {
        this.connections = connections;
        this.metrics = metrics;
        RelayConfig.Limits limits = config.limits();
        this.publishRate = limits.publishRate();
        this.wsOpRate = limits.wsOpRate();
        this.handshakes = new TokenBucket(limits.handshakeRate());
    }

    /**
     * Before a subscriber's connection or request starts: takes its connection slot, which the caller
     * releases when the connection ends or is refused after all.
     */
    public ConnectionSlots.Slot admitSubscriber(Subscriber subscriber) {
        if (!handshakes.tryTake()) {
            throw refuse(Limit.HANDSHAKE_RATE, "too many new subscriber connections on this replica: retry shortly",
                    handshakes.secondsUntilNext());
        }
        try {
            return connections.reserve(subscriber.userId());
        } catch (LimitExceededException full) {
            metrics.limited(full.limit().tag());
            throw full;
        }
    }

    /** Before a publish by the publisher key number {@code key}. */
    public void admitPublish(int key) {
        admitPublishes(key, 1);
    }

    /** Before {@code count} publishes of one batch: all of them are admitted, or none. */
    public void admitPublishes(int key, int count) {
        TokenBucket bucket = publishes.computeIfAbsent(key, k -> new TokenBucket(publishRate));
        if (!bucket.tryTake(count)) {
            throw refuse(Limit.PUBLISH_RATE, "over " + publishRate + " publishes per second for this key "
                    + "(relay.limits.publish-rate)", bucket.secondsUntil(count));
        }
    }

    /** A new WebSocket's op budget. */
    public TokenBucket wsOpBucket() {
        return new TokenBucket(wsOpRate);
    }

    /** Counts an op refused by a WebSocket's budget. */
    public void wsOpRefused() {
        metrics.limited(Limit.WS_OP_RATE.tag());
    }

    private LimitExceededException refuse(Limit limit, String message, long retryAfterSeconds) {
        metrics.limited(limit.tag());
        return new LimitExceededException(limit, message, retryAfterSeconds);
    }
}
