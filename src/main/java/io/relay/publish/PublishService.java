package io.relay.publish;

import jakarta.inject.Singleton;

import io.relay.engine.Broker;
import io.relay.engine.IdempotencyStore;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;

/** Publishes validated requests, once per Idempotency-Key when one is given. */
@Singleton
public class PublishService {

    private final Broker broker;
    private final IdempotencyStore idempotency;

    public PublishService(Broker broker, IdempotencyStore idempotency) {
        this.broker = broker;
        this.idempotency = idempotency;
    }

    public Uni<PublishResult> publish(PublishRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return broker.publish(request);
        }
        return idempotency.publishOnce(idempotencyKey, () -> broker.publish(request));
    }

    /** Whether {@code result} is the first answer to an earlier publish with the same idempotency key. */
    static boolean replayed(PublishRequest request, PublishResult result) {
        return !result.id().equals(request.id());
    }
}
