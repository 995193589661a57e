package io.relay.ops;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.value.registry.ValueRegistry;
import io.quarkus.vertx.http.HttpServer;
import io.quarkus.vertx.http.HttpServerStart;
import io.relay.RelayConfig;
import io.relay.auth.PublisherKeys;
import io.relay.auth.TokenVerifier;
import io.vertx.core.Vertx;

/**
 * The start-up warm-up: once the HTTP server listens, and before readiness reports UP, the replica
 * sends itself real traffic ({@link WarmUpLoad}) in rounds, each followed by a wait for the JIT
 * compilers to go nearly idle, until a round leaves them nearly idle. Otherwise a new replica, the
 * one a rollout sends traffic to, compiles the paths that serve clients on the cores that serve them.
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

    private final RelayConfig.WarmUp config;
    private final String publisherKey;
    private final TokenVerifier verifier;
    private final StartupCheck startupCheck;
    private final Shutdown shutdown;
    private final ValueRegistry values;
    private final Vertx vertx;
    private volatile boolean done;

    public WarmUp(RelayConfig config, TokenVerifier verifier, StartupCheck startupCheck, Shutdown shutdown, ValueRegistry values, Vertx vertx,
            @ConfigProperty(name = "quarkus.http.insecure-requests", defaultValue = "enabled") String insecureRequests,
            @ConfigProperty(name = "quarkus.http.host-enabled", defaultValue = "true") boolean hostEnabled) {
        this.config = config.warmUp();
        this.publisherKey = PublisherKeys.configured(config).stream().findFirst().orElse("");
        this.verifier = verifier;
        this.startupCheck = startupCheck;
        this.shutdown = shutdown;
        this.values = values;
        this.vertx = vertx;
        // the warm-up speaks plain HTTP to the replica's own port: without it, nothing to warm through
        boolean plainHttp = hostEnabled && "enabled".equals(insecureRequests);
        if (this.config.enabled() && !plainHttp) {
            LOG.info("warm-up skipped: the replica serves no plain HTTP to warm up through");
        }
        this.done = !this.config.enabled() || !plainHttp;
    }

    /** Whether the warm-up is over (or off): until then readiness is DOWN. */
    public boolean isDone() {
        return done;
    }

    void onHttpServerStarted(@ObservesAsync HttpServerStart started) {
        if (done || startupCheck.refused()) {
            return;
        }
        String host = loopbackFor(started.options().getHost());
        int port = port(started);
        Thread thread = new Thread(() -> run(host, port), "relay-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private int port(HttpServerStart started) {
        Integer actual = values.getOrDefault(HttpServer.HTTP_PORT, null);
        return actual != null && actual > 0 ? actual : started.options().getPort();
    }

    /** Where to reach a server bound to {@code host}: loopback for a wildcard bind. */
    static String loopbackFor(String host) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("localhost")) {
            return "127.0.0.1";
        }
        if (host.equals("::") || host.equals("[::]")) {
            return "::1";
        }
        return host;
    }

    private void run(String host, int port) {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(config.maxDuration());
        WarmUpLoad load = new WarmUpLoad(vertx, host, port, config.connections(), publisherKey, verifier, deadline,
                shutdown::isShuttingDown);
        try {
            int rounds = 0;
            boolean idle = false;
            try {
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
            } finally {
                load.close();
            }
            LOG.infof("warm-up done in %.1f s: %d WebSockets, %d publishes accepted, %d failed, %d frames received, %d rounds; %s",
                    (System.nanoTime() - started) / 1e9, load.connections(), load.accepted(), load.failed(),
                    load.framesReceived(), rounds, idle ? "the JIT is idle" : "the JIT was still compiling at relay.warm-up.max-duration");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("warm-up stopped early: %s", e.toString());
        } finally {
            verifier.revokeInProcess();
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

