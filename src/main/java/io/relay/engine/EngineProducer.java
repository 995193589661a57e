package io.relay.engine;

import java.time.Clock;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import io.relay.RelayConfig;
import io.relay.engine.memory.MemoryBroker;
import io.relay.engine.memory.MemoryChannels;
import io.relay.engine.memory.MemoryHistory;
import io.relay.engine.memory.MemoryIdempotencyStore;
import io.relay.engine.memory.MemoryReplicas;
import io.relay.engine.redis.RedisBroker;
import io.relay.engine.redis.RedisEvictionPolicy;
import io.relay.engine.redis.RedisFanout;
import io.relay.engine.redis.RedisHistory;
import io.relay.engine.redis.RedisIdempotencyStore;
import io.relay.engine.redis.RedisReplicas;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * The one place where {@code relay.engine} picks the implementations of the engine roles. The Redis
 * client (configured by {@code quarkus.redis.*}) is looked up only for the Redis engine, so the memory
 * engine never needs one.
 */
@Singleton
public class EngineProducer {

    @Produces
    @Singleton
    MemoryChannels memoryChannels(RelayConfig config, Clock clock, Vertx vertx) {
        RelayConfig.History history = config.history();
        MemoryChannels channels = new MemoryChannels(clock, history.size(), history.ttl(), history.maxChannels());
        if (config.engine() == RelayConfig.EngineKind.memory) {
            vertx.setPeriodic(history.sweepInterval().toMillis(), id -> channels.sweep());
        }
        return channels;
    }

    @Produces
    @Singleton
    RedisFanout redisFanout(Instance<Redis> redis, Vertx vertx, NotificationListener listener, RelayConfig config) {
        return new RedisFanout(redis.get(), vertx, listener, config.redis().requestTimeout());
    }

    void closeFanout(@Disposes RedisFanout fanout) {
        fanout.close();
    }

    @Produces
    @Singleton
    @Typed(RedisReplicas.class)
    RedisReplicas redisReplicas(RelayConfig config, Instance<Redis> redis, Instance<RedisFanout> fanout,
            LocalSubscribers local, Vertx vertx) {
        return new RedisReplicas(redis.get(), fanout.get(), local, vertx, config.redis().heartbeat(),
                config.redis().requestTimeout());
    }

    /**
     * A Redis replica announces itself and answers the others from start-up, not from its first
     * request; and it says at once when Redis may evict Relay's keys.
     */
    void startReplicas(@Observes StartupEvent event, RelayConfig config, Instance<RedisReplicas> replicas, Instance<Redis> redis) {
        if (config.engine() == RelayConfig.EngineKind.redis) {
            replicas.get();
            RedisEvictionPolicy.warnAtStart(redis.get());
        }
    }

    /**
     * In the pre-shutdown phase, after the subscribers were closed ({@code ops.Shutdown} runs first) and
     * while Redis is still reachable: leave the set of replicas and stop the fan-out, before Quarkus
     * closes the Redis client under it.
     */
    void leaveReplicas(@Observes ShutdownDelayInitiatedEvent event, RelayConfig config, Instance<RedisReplicas> replicas,
            Instance<RedisFanout> fanout) {
        if (config.engine() == RelayConfig.EngineKind.redis) {
            replicas.get().leave();
            fanout.get().close();
        }
    }

    void closeReplicas(@Disposes RedisReplicas replicas) {
        replicas.close();
    }

    @Produces
    @Singleton
    Broker broker(RelayConfig config, Instance<MemoryChannels> channels, NotificationListener listener,
            Instance<Redis> redis, Instance<RedisFanout> fanout, Clock clock) {
        return switch (config.engine()) {
            case memory -> new MemoryBroker(channels.get(), listener);
            case redis -> new RedisBroker(redis.get(), fanout.get(), clock, config.history().ttl(), config.history().size(),
                    config.redis().maxPendingPublishes());
        };
    }

    @Produces
    @Singleton
    History history(RelayConfig config, Instance<MemoryChannels> channels, Instance<Redis> redis) {
        return switch (config.engine()) {
            case memory -> new MemoryHistory(channels.get());
            case redis -> new RedisHistory(redis.get());
        };
    }

    @Produces
    @Singleton
    Replicas replicas(RelayConfig config, LocalSubscribers local, Instance<RedisReplicas> redis) {
        return switch (config.engine()) {
            case memory -> new MemoryReplicas(local);
            case redis -> redis.get();
        };
    }

    @Produces
    @Singleton
    EngineHealth engineHealth(RelayConfig config, Instance<RedisReplicas> redis) {
        return switch (config.engine()) {
            case memory -> () -> io.smallrye.mutiny.Uni.createFrom().item(true);
            case redis -> redis.get();
        };
    }

    @Produces
    @Singleton
    IdempotencyStore idempotencyStore(RelayConfig config, Clock clock, Instance<Redis> redis) {
        return switch (config.engine()) {
            case memory -> new MemoryIdempotencyStore(clock, config.history().ttl(), config.idempotency().maxKeys());
            case redis -> new RedisIdempotencyStore(redis.get(), config.history().ttl(), config.idempotency().claimTtl(),
                    config.idempotency().maxKeys());
        };
    }
}
