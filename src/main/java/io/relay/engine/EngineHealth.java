package io.relay.engine;

import io.smallrye.mutiny.Uni;

/** Whether the engine can take publishes now; readiness reports it. */
public interface EngineHealth {

    Uni<Boolean> isReachable();
}
