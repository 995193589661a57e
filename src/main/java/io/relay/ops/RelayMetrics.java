package io.relay.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Relay's own metrics, exposed at {@code /q/metrics} (names listed in the README). Meters are
 * created once here so the hot paths only increment.
 */
@Singleton
public class RelayMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger wsConnections = new AtomicInteger();
    private final Counter wsDeliveries;
    private final Counter slowConsumerCloses;
    private final Timer publishToWrite;
    private final Map<String, Counter> publishes = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("relay.connections", java.util.List.of(io.micrometer.core.instrument.Tag.of("transport", "websocket")),
                wsConnections);
        this.wsDeliveries = Counter.builder("relay.deliveries").tag("transport", "websocket")
                .description("Notifications written to subscribers").register(registry);
        this.slowConsumerCloses = Counter.builder("relay.slow.consumer.closes")
                .description("Subscribers closed because their outbound buffer overflowed").register(registry);
        this.publishToWrite = Timer.builder("relay.publish.to.write")
                .description("Time from a publish being accepted to its notification being written to a subscriber")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    public void connectionOpened() {
        wsConnections.incrementAndGet();
    }

    public void connectionClosed() {
        wsConnections.decrementAndGet();
    }

    public void delivered(long publishedNanos) {
        wsDeliveries.increment();
        publishToWrite.record(System.nanoTime() - publishedNanos, TimeUnit.NANOSECONDS);
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** {@code outcome}: accepted, duplicate, invalid, unauthorized, too_large, unsupported_type, unavailable. */
    public void publish(String outcome) {
        publishes.computeIfAbsent(outcome, o -> registry.counter("relay.publishes", "outcome", o)).increment();
    }

    /** {@code reason}: missing, invalid, expired, origin, channel. */
    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> registry.counter("relay.auth.failures", "reason", r)).increment();
    }
}
