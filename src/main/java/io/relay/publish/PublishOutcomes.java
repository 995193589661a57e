package io.relay.publish;

import jakarta.inject.Singleton;

import io.relay.engine.EngineUnavailableException;
import io.relay.engine.PublishQueueFullException;
import io.relay.metrics.RelayMetrics;
import io.relay.problem.Problem;
import io.relay.problem.ProblemCarrier;
import io.relay.problem.ProblemException;
import io.relay.problem.ProblemMappers;

/**
 * How a publish ended, counted once in {@code relay_publishes_total{outcome}} and turned into the
 * problem the publisher is answered with: the same for a single publish and for each batch item.
 */
@Singleton
public class PublishOutcomes {

    private final RelayMetrics metrics;

    public PublishOutcomes(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    void accepted(boolean replayed) {
        metrics.publish(replayed ? "duplicate" : "accepted");
    }

    void rateLimited(int publishes) {
        for (int i = 0; i < publishes; i++) {
            metrics.publish("rate_limited");
        }
    }

    /** A publish refused before it reached the engine. */
    ProblemCarrier refused(ProblemException refused) {
        metrics.publish(switch (refused.problem()) {
            case UNAUTHORIZED -> "unauthorized";
            case PAYLOAD_TOO_LARGE -> "too_large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported_type";
            default -> "invalid";
        });
        return refused;
    }

    /** A publish the engine (or the idempotency store) failed. */
    ProblemCarrier failed(Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return refused(problem);
        }
        if (failure instanceof PublishQueueFullException) {
            metrics.publish("unavailable");
            metrics.limited("publish_queue");
        } else if (failure instanceof EngineUnavailableException) {
            metrics.publish("unavailable");
            metrics.engineError("publish");
        }
        return ProblemMappers.answer(failure);
    }

    static ProblemException unsupportedMediaType() {
        return Problem.UNSUPPORTED_MEDIA_TYPE.exception("send Content-Type: application/json");
    }
}
