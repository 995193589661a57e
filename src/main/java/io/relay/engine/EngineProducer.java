package io.relay.engine;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.engine.memory.MemoryBroker;
import io.relay.engine.memory.MemoryChannels;
import io.relay.engine.memory.MemoryHistory;
import io.relay.engine.memory.MemoryIdempotencyStore;
import io.relay.engine.memory.MemoryPresence;
import io.vertx.core.Vertx;

/** The one place where {@code relay.engine} picks the implementations of the engine roles. */
@Singleton
public class EngineProducer {

    @Produces
    @Singleton
    MemoryChannels memoryChannels(RelayConfig config, Clock clock, Vertx vertx) {
        RelayConfig.History history = config.history();
        MemoryChannels channels = new MemoryChannels(clock, history.size(), history.ttl(), history.maxChannels());
        vertx.setPeriodic(history.sweepInterval().toMillis(), id -> channels.sweep());
        return channels;
    }

    @Produces
    @Singleton
    Broker broker(RelayConfig config, MemoryChannels channels, NotificationListener listener) {
        return switch (config.engine()) {
            case memory -> new MemoryBroker(channels, listener);
        };
    }

    @Produces
    @Singleton
    History history(RelayConfig config, MemoryChannels channels) {
        return switch (config.engine()) {
            case memory -> new MemoryHistory(channels);
        };
    }

    @Produces
    @Singleton
    Presence presence(RelayConfig config, LocalSubscribers local) {
        return switch (config.engine()) {
            case memory -> new MemoryPresence(local);
        };
    }

    @Produces
    @Singleton
    IdempotencyStore idempotencyStore(RelayConfig config, Clock clock) {
        return switch (config.engine()) {
            case memory -> new MemoryIdempotencyStore(clock, config.history().ttl(), config.idempotency().maxKeys());
        };
    }
}
