package io.relay.ops;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.relay.RelayConfig;

/** Ready while the engine takes publishes and the replica is not shutting down. */
@Readiness
@Singleton
public class EngineReadiness implements HealthCheck {

    private final RelayConfig config;
    private final Shutdown shutdown;

    public EngineReadiness(RelayConfig config, Shutdown shutdown) {
        this.config = config;
        this.shutdown = shutdown;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("engine").status(!shutdown.isShuttingDown())
                .withData("engine", config.engine().name()).build();
    }
}
