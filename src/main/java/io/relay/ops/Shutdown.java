package io.relay.ops;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.relay.RelayConfig;
import io.relay.subscribe.CloseCode;
import io.relay.subscribe.SubscriptionService;

/**
 * On shutdown: readiness goes down at once, the replica keeps serving for
 * {@code relay.shutdown.drain-delay} (so endpoints stop routing new clients to it), then every
 * subscriber is closed with 1001 (reconnect and resume), and the shutdown waits a bounded time for
 * those closes to be written. Runs in Quarkus's
 * pre-shutdown phase ({@code quarkus.shutdown.delay-enabled=true}), while the HTTP server still
 * runs: by {@code ShutdownEvent} it has already dropped the sockets with 1000.
 */
@Singleton
public class Shutdown {

    private static final Logger LOG = Logger.getLogger(Shutdown.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final SubscriptionService subscriptions;
    private final StartupCheck startupCheck;
    private final Duration drainDelay;
    private volatile boolean shuttingDown;

    public Shutdown(SubscriptionService subscriptions, StartupCheck startupCheck, RelayConfig config) {
        this.subscriptions = subscriptions;
        this.startupCheck = startupCheck;
        this.drainDelay = config.shutdown().drainDelay();
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    void onStop(@Observes @Priority(1) ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        if (!startupCheck.refused() && !drainDelay.isZero()) {
            LOG.infof("draining for %s (relay.shutdown.drain-delay): not ready, still serving", drainDelay);
            pause(drainDelay);
        }
        closeSubscribers();
    }

    /** After the drain: refuse new subscribers, close every open one (1001), wait a bounded time for the closes. */
    void closeSubscribers() {
        shuttingDown = true;
        int closed = subscriptions.closeAll(CloseCode.SHUTTING_DOWN);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (subscriptions.sessionCount() > 0 && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(10));
        }
        LOG.infof("closed %d subscriber connections for shutdown", closed);
    }

    /** Blocks Quarkus's shutdown thread (never an event loop), which is what holds the shutdown back. */
    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
