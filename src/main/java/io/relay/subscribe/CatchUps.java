package io.relay.subscribe;

import java.time.Duration;
import java.util.ArrayDeque;

import jakarta.inject.Singleton;

import io.relay.RelayConfig;
import io.relay.channel.StreamPosition;
import io.relay.engine.History;
import io.relay.metrics.RelayMetrics;
import io.vertx.core.Vertx;

/**
 * Runs this replica's channel catch-ups, at most {@code relay.history.catch-up-concurrency} history
 * reads at a time, so that a blip with many channels neither exhausts the engine's connection pool
 * nor starves publishes. The queue holds each channel at most once ({@link ChannelCatchUp} merges
 * requests), so it is bounded by the channels this replica has subscribers for. A failed read is
 * retried after a backoff (100 ms doubling to 5 s) while the channel has subscribers; they buffer
 * meanwhile, within their own bounds.
 */
@Singleton
public class CatchUps {

    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = Duration.ofSeconds(5).toMillis();

    private final History history;
    private final Vertx vertx;
    private final RelayMetrics metrics;
    private final int concurrency;
    private final int pageSize;
    /** Guarded by {@code this}: catch-ups waiting for a read slot, and the reads running. */
    private final ArrayDeque<ChannelCatchUp> waiting = new ArrayDeque<>();
    private int running;
    /** How many times the engine's fan-out came back after an interruption. */
    private volatile long generation;

    public CatchUps(History history, Vertx vertx, RelayMetrics metrics, RelayConfig config) {
        this.history = history;
        this.vertx = vertx;
        this.metrics = metrics;
        this.concurrency = config.history().catchUpConcurrency();
        this.pageSize = config.history().size();
    }

    /** The fan-out came back: reads from now on see what was published during the blip. */
    void fanoutResumed() {
        generation++;
    }

    long generation() {
        return generation;
    }

    void enqueue(ChannelCatchUp catchUp) {
        synchronized (this) {
            if (running >= concurrency) {
                waiting.add(catchUp);
                return;
            }
            running++;
        }
        read(catchUp);
    }

    private void read(ChannelCatchUp catchUp) {
        StreamPosition since = catchUp.take();
        long readIn = generation;
        metrics.catchUpRead();
        history.read(catchUp.channel(), since, pageSize).subscribe().with(page -> {
            try {
                catchUp.deliver(new CatchUpPage(since, readIn, page));
            } finally {
                finished(catchUp, 0);
            }
        }, failure -> {
            metrics.engineError("catch_up");
            int failures = catchUp.failed(since);
            finished(catchUp, Math.min(FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 10), MAX_BACKOFF_MILLIS));
        });
    }

    /** Frees the read slot for the next waiting channel; this one goes again (after {@code delay}) when wanted. */
    private void finished(ChannelCatchUp catchUp, long delay) {
        if (catchUp.again()) {
            if (delay == 0) {
                release(catchUp);
                return;
            }
            vertx.setTimer(delay, id -> enqueue(catchUp));
        }
        release(null);
    }

    private void release(ChannelCatchUp requeued) {
        ChannelCatchUp next;
        synchronized (this) {
            if (requeued != null) {
                waiting.add(requeued);
            }
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            // on a fresh turn: a read that completes at once (the memory engine) must not nest the next
            vertx.runOnContext(v -> read(next));
        }
    }
}
