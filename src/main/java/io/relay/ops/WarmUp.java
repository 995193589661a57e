package io.relay.ops;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.relay.RelayConfig;
import io.vertx.core.Vertx;

/**
 * The start-up warm-up: at start-up, and before readiness reports UP, the replica sends real traffic
 * ({@link WarmUpLoad}) in rounds, each followed by a wait for the JIT compilers to go nearly idle,
 * until a round leaves them nearly idle. Otherwise a new replica, the one a rollout sends traffic
 * to, compiles the paths that serve clients on the cores that serve them. The traffic goes to a
 * private copy of the serving stack ({@link WarmUpServer}): the same code, none of the replica's
 * state, so nothing of it reaches the configured engine, the metrics or any client.
 * Bounded by {@code relay.warm-up.max-duration}: the replica reports ready then, warm or not.
 */
@Singleton
public class WarmUp {

    private static final Logger LOG = Logger.getLogger(WarmUp.class);
    /** The JIT counts as done once it has compiled for at most {@link #COMPILER_IDLE_SHARE} of this long. */
    private static final Duration COMPILER_IDLE = Duration.ofSeconds(1);
    private static final double COMPILER_IDLE_SHARE = 0.05;
    /** A round that compiled for more than this share of its time calls for another. */
    private static final double ROUND_COMPILE_SHARE = 0.1;
    /** Rounds after the first make this fraction of relay.warm-up.publishes. */
    private static final int NEXT_ROUND_DIVISOR = 4;
    private static final long COMPILER_POLL_MILLIS = 100;

    private final RelayConfig relayConfig;
    private final RelayConfig.WarmUp config;
    private final StartupCheck startupCheck;
    private final Shutdown shutdown;
    private final Clock clock;
    private final Vertx vertx;
    private volatile boolean done;
    private volatile Report report = new Report(0, 0, 0, 0, 0, false);

    /** What the warm-up did: the figures of its log line. */
    public record Report(int connections, int accepted, int failed, long framesReceived, int rounds, boolean idle) {
    }

    public WarmUp(RelayConfig config, StartupCheck startupCheck, Shutdown shutdown, Clock clock, Vertx vertx) {
        this.relayConfig = config;
        this.config = config.warmUp();
        this.startupCheck = startupCheck;
        this.shutdown = shutdown;
        this.clock = clock;
        this.vertx = vertx;
        this.done = !this.config.enabled();
    }

    /** What the warm-up did, once it is over; all zero while it runs or when it is off. */
    public Report report() {
        return report;
    }

    /** Whether the warm-up is over (or off): until then readiness is DOWN. */
    public boolean isDone() {
        return done;
    }

    /** After {@link StartupCheck} (priority 1): a refused start-up exits without warming up. */
    void onStart(@Observes StartupEvent event) {
        if (done || startupCheck.refused()) {
            return;
        }
        Thread thread = new Thread(this::run, "relay-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(config.maxDuration());
        try (WarmUpServer server = WarmUpServer.start(vertx, relayConfig, clock);
                WarmUpLoad load = new WarmUpLoad(vertx, WarmUpServer.LOOPBACK, server.port(), config.connections(),
                        server.publisherKey(), server.verifier(), deadline, shutdown::isShuttingDown)) {
            int rounds = 0;
            boolean idle = false;
            load.connect(config.connections());
            // While C2 works through the first round's queue it raises its thresholds, so some
            // methods stay one step short of it; a smaller round compiles them. Rounds go on
            // until one leaves the compilers nearly idle.
            int publishes = config.publishes();
            boolean compiledInRound = true;
            while (compiledInRound && !load.over()) {
                long roundStart = System.nanoTime();
                long compiledBefore = compilationMillis();
                load.publish(publishes);
                load.awaitDeliveries();
                idle = awaitCompilerIdle(deadline);
                rounds++;
                long roundMillis = (System.nanoTime() - roundStart) / 1_000_000;
                compiledInRound = compilationMillis() - compiledBefore > roundMillis * ROUND_COMPILE_SHARE;
                publishes = Math.max(1, config.publishes() / NEXT_ROUND_DIVISOR);
            }
            report = new Report(load.connections(), load.accepted(), load.failed(), load.framesReceived(), rounds, idle);
            LOG.infof("warm-up done in %.1f s: %d WebSockets, %d publishes accepted, %d failed, %d frames received, %d rounds; %s",
                    (System.nanoTime() - started) / 1e9, report.connections(), report.accepted(), report.failed(),
                    report.framesReceived(), rounds, idle ? "the JIT is idle" : "the JIT was still compiling at relay.warm-up.max-duration");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("warm-up stopped early: %s", e.toString());
        } finally {
            done = true;
        }
    }

    /** Time the JIT compilers have spent so far; always 0 on a JVM that does not tell, which then counts as idle. */
    private static long compilationMillis() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
    }

    /**
     * Waits until the JIT compilers have been nearly idle (at most {@link #COMPILER_IDLE_SHARE} of
     * {@link #COMPILER_IDLE} spent compiling) for {@link #COMPILER_IDLE}: the health checks and
     * timers of an idle replica keep compiling a little, forever. False when the deadline came first.
     */
    private boolean awaitCompilerIdle(Instant deadline) throws InterruptedException {
        int samples = (int) (COMPILER_IDLE.toMillis() / COMPILER_POLL_MILLIS);
        long[] window = new long[samples + 1];
        int taken = 0;
        while (Instant.now().isBefore(deadline) && !shutdown.isShuttingDown()) {
            window[taken % window.length] = compilationMillis();
            if (taken >= samples) {
                long compiling = window[taken % window.length] - window[(taken - samples) % window.length];
                if (compiling <= COMPILER_IDLE.toMillis() * COMPILER_IDLE_SHARE) {
                    return true;
                }
            }
            taken++;
            TimeUnit.MILLISECONDS.sleep(COMPILER_POLL_MILLIS);
        }
        return false;
    }
}

