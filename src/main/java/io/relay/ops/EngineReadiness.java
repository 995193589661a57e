package io.relay.ops;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.relay.RelayConfig;
import io.relay.engine.EngineHealth;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/** Ready once warmed up (ops.WarmUp), while the engine is reachable (Redis answers) and the replica is not shutting down. */
@Readiness
@Singleton
public class EngineReadiness implements AsyncHealthCheck {

    private final RelayConfig config;
    private final Shutdown shutdown;
    private final EngineHealth engine;
    private final WarmUp warmUp;

    public EngineReadiness(RelayConfig config, Shutdown shutdown, EngineHealth engine, WarmUp warmUp) {
        this.config = config;
        this.shutdown = shutdown;
        this.engine = engine;
        this.warmUp = warmUp;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return engine.isReachable().map(reachable -> HealthCheckResponse.named("engine")
                .status(reachable && warmUp.isDone() && !shutdown.isShuttingDown())
                .withData("engine", config.engine().name())
                .withData("reachable", reachable)
                .withData("warmed-up", warmUp.isDone()).build());
    }
}
