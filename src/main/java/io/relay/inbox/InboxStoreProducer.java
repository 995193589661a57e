package io.relay.inbox;

import java.time.Clock;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.engine.redis.RedisFanout;
import io.relay.inbox.memory.MemoryInboxStore;
import io.relay.inbox.redis.RedisInboxStore;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/** Picks the inbox store of {@code relay.engine}, as {@code engine.EngineProducer} does for the other roles. */
@Singleton
public class InboxStoreProducer {

    @Produces
    @Singleton
    InboxStore inboxStore(RelayConfig config, Clock clock, Vertx vertx, Instance<Redis> redis,
            Instance<RedisFanout> fanout) {
        RelayConfig.Inbox inbox = config.inbox();
        return switch (config.engine()) {
            case memory -> {
                MemoryInboxStore memory = new MemoryInboxStore(clock, inbox.maxItems());
                vertx.setPeriodic(inbox.sweepInterval().toMillis(), id -> memory.sweep());
                yield memory;
            }
            case redis -> new RedisInboxStore(redis.get(), fanout.get(), clock, inbox.maxItems());
        };
    }
}
