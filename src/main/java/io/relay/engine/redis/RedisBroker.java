package io.relay.engine.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Broker;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.Epochs;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

/**
 * Offsets, history and fan-out in Redis. One script per publish appends to every channel's stream
 * and publishes to every channel's fan-out, atomically: all channels or none. Notifications come
 * back to this replica, like to every other, through {@link RedisFanout}.
 */
public final class RedisBroker implements Broker {

    private static final RedisScript PUBLISH = new RedisScript("publish.lua");

    private final Redis redis;
    private final RedisFanout fanout;
    private final Clock clock;
    private final String ttlMillis;
    private final String maxLength;

    public RedisBroker(Redis redis, RedisFanout fanout, Clock clock, Duration ttl, int historySize) {
        this.redis = redis;
        this.fanout = fanout;
        this.clock = clock;
        this.ttlMillis = Long.toString(ttl.toMillis());
        this.maxLength = Integer.toString(historySize);
    }

    @Override
    public Uni<PublishResult> publish(PublishRequest request) {
        List<String> keys = new ArrayList<>(request.channels().size() * 3);
        List<String> args = new ArrayList<>(7 + request.channels().size() * 2);
        args.addAll(List.of(ttlMillis, maxLength, request.id(), request.event() == null ? "" : request.event(),
                request.data(), clock.instant().toString(), RedisKeys.FANOUT_PREFIX));
        for (ChannelName channel : request.channels()) {
            keys.add(RedisKeys.offset(channel));
            keys.add(RedisKeys.epoch(channel));
            keys.add(RedisKeys.stream(channel));
            args.add(channel.value());
            args.add(Epochs.fresh());
        }
        return PUBLISH.run(redis, keys, args)
                .onFailure().transform(failure -> new EngineUnavailableException("Redis: " + failure.getMessage(), failure))
                .map(reply -> result(request, reply));
    }

    private static PublishResult result(PublishRequest request, Response reply) {
        List<PublishResult.Placement> placements = new ArrayList<>(request.channels().size());
        for (int i = 0; i < request.channels().size(); i++) {
            placements.add(new PublishResult.Placement(request.channels().get(i),
                    new StreamPosition(reply.get(2 * i).toString(), reply.get(2 * i + 1).toLong())));
        }
        return new PublishResult(request.id(), placements);
    }

    @Override
    public Uni<Void> subscribe(ChannelName channel) {
        return fanout.subscribe(channel);
    }

    @Override
    public void unsubscribe(ChannelName channel) {
        fanout.unsubscribe(channel);
    }
}
