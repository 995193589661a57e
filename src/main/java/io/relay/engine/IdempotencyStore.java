package io.relay.engine;

import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Remembers publishes by {@code Idempotency-Key}, so a retry returns the first result and publishes
 * nothing new. A failed publish is forgotten: its retry publishes.
 */
public interface IdempotencyStore {

    Uni<PublishResult> publishOnce(String key, Supplier<Uni<PublishResult>> publish);
}
