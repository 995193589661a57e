package io.relay.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Relay's own metrics, exposed at {@code /q/metrics} (names listed in docs/operations.md). Meters are
 * created once here so the hot paths only increment.
 */
@Singleton
public class RelayMetrics {

    private final MeterRegistry registry;
    private final Map<Transport, AtomicInteger> connections = new EnumMap<>(Transport.class);
    // hot: a LongAdder per delivery, read by the registry only when scraped
    private final Map<Transport, LongAdder> deliveries = new EnumMap<>(Transport.class);
    private final Map<Transport, LongAdder> replays = new EnumMap<>(Transport.class);
    private final Counter slowConsumerCloses;
    private final Counter catchUpReads;
    private final Counter deliveryOverflows;
    private final Timer publishToWrite;
    private final Map<String, Counter> publishes = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> limited = new ConcurrentHashMap<>();
    private final Map<String, Counter> engineErrors = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Transport transport : Transport.values()) {
            connections.put(transport, registry.gauge("relay.connections", Tags.of("transport", transport.tag()),
                    new AtomicInteger()));
            LongAdder delivered = new LongAdder();
            FunctionCounter.builder("relay.deliveries", delivered, LongAdder::sum).tag("transport", transport.tag())
                    .description("Live notifications written to subscribers").register(registry);
            deliveries.put(transport, delivered);
            LongAdder replayed = new LongAdder();
            FunctionCounter.builder("relay.replays", replayed, LongAdder::sum).tag("transport", transport.tag())
                    .description("Retained notifications written to subscribers that resumed or polled").register(registry);
            replays.put(transport, replayed);
        }
        this.slowConsumerCloses = Counter.builder("relay.slow.consumer.closes")
                .description("Subscribers closed because their outbound buffer overflowed").register(registry);
        this.catchUpReads = Counter.builder("relay.catch.up.reads")
                .description("History reads that brought live subscribers of a channel past a gap").register(registry);
        this.deliveryOverflows = Counter.builder("relay.delivery.overflows")
                .description("Deliveries dropped for an event loop whose backlog was full (its subscribers catch up)")
                .register(registry);
        this.publishToWrite = Timer.builder("relay.publish.to.write")
                .description("Time from a publish being accepted to its notification being written to the "
                        + "subscribers of one event loop (one sample per notification per event loop)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    /** A subscriber connection (WebSocket, SSE stream, waiting long-poll) opened. */
    public void connectionOpened(Transport transport) {
        connections.get(transport).incrementAndGet();
    }

    public void connectionClosed(Transport transport) {
        connections.get(transport).decrementAndGet();
    }

    /** A live notification was handed to a subscriber's connection. */
    public void delivered(Transport transport) {
        deliveries.get(transport).increment();
    }

    /**
     * A notification was written to every subscriber of one event loop. Recorded once per loop rather
     * than per subscriber, so the histogram stays off the per-delivery path.
     */
    public void fannedOut(long createdNanos) {
        publishToWrite.record(System.nanoTime() - createdNanos, TimeUnit.NANOSECONDS);
    }

    /** A retained notification was sent to a subscriber catching up (resume, poll). */
    public void replayed(Transport transport) {
        replays.get(transport).increment();
    }

    /** One catch-up read of a channel, for all its subscribers on this replica. */
    public void catchUpRead() {
        catchUpReads.increment();
    }

    public void deliveryDropped() {
        deliveryOverflows.increment();
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** {@code outcome}: accepted, duplicate, invalid, unauthorized, too_large, unsupported_type, unavailable. */
    public void publish(String outcome) {
        publishes.computeIfAbsent(outcome, o -> registry.counter("relay.publishes", "outcome", o)).increment();
    }

    /** {@code operation}: publish, subscribe, catch_up, fanout (connection lost), control (presence, disconnect). */
    public void engineError(String operation) {
        engineErrors.computeIfAbsent(operation, o -> registry.counter("relay.engine.errors", "operation", o)).increment();
    }

    /** {@code limit}: connections, user_connections, handshake_rate, publish_rate, ws_op_rate, publish_queue. */
    public void limited(String limit) {
        limited.computeIfAbsent(limit, l -> registry.counter("relay.limited", "limit", l)).increment();
    }

    /** {@code reason}: missing, invalid, expired, origin, channel. */
    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> registry.counter("relay.auth.failures", "reason", r)).increment();
    }
}
