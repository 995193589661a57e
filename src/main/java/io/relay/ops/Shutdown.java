package io.relay.ops;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.SubscriptionService;

/**
 * On shutdown: readiness goes down, every subscriber is closed with 1001 (reconnect and resume),
 * and the shutdown waits a bounded time for those closes to be written. Runs in Quarkus's
 * pre-shutdown phase ({@code quarkus.shutdown.delay-enabled=true}), while the HTTP server still
 * runs: by {@code ShutdownEvent} it has already dropped the sockets with 1000.
 */
@Singleton
public class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final SubscriptionService subscriptions;
    private volatile boolean shuttingDown;

    public Shutdown(SubscriptionService subscriptions) {
        this.subscriptions = subscriptions;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    void onStop(@Observes @Priority(1) ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        int closing = subscriptions.closeAll(CloseCode.SHUTTING_DOWN);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (subscriptions.sessionCount() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.infof("closed %d subscriber connections for shutdown", closing);
    }
}
