package io.relay.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A publisher's client for Relay, on the JDK {@link HttpClient} and Jackson only, so a backend can use
 * it without the server. Every publish carries one {@code Idempotency-Key} through all its retries,
 * so a retried publish (a dropped response, a 503, a 429) is delivered once. Errors are
 * {@link PublishException}s built from the problem+json answer.
 *
 * <pre>
 * RelayPublisher relay = RelayPublisher.builder(URI.create("http://relay:8080"), key).build();
 * Published result = relay.publish("user:alice", "order.shipped", Map.of("orderId", 7));
 * </pre>
 */
public final class RelayPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final String authorization;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration timeout;

    private RelayPublisher(Builder builder) {
        this.http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(builder.timeout).build();
        this.endpoint = builder.base.resolve("/api/v1/notifications");
        this.authorization = "Bearer " + builder.key;
        this.attempts = builder.attempts;
        this.firstBackoff = builder.firstBackoff;
        this.timeout = builder.timeout;
    }

    public static Builder builder(URI base, String publisherKey) {
        return new Builder(base, publisherKey);
    }

    /** Publishes {@code data} (anything Jackson writes as JSON) to one channel; {@code event} may be null. */
    public Published publish(String channel, String event, Object data) throws PublishException {
        return publish(List.of(channel), event, data);
    }

    /** Publishes to several channels at once: all of them get it or none does. */
    public Published publish(List<String> channels, String event, Object data) throws PublishException {
        ObjectNode body = JSON.createObjectNode();
        if (channels.size() == 1) {
            body.put("channel", channels.get(0));
        } else {
            channels.forEach(body.putArray("channels")::add);
        }
        if (event != null) {
            body.put("event", event);
        }
        body.set("data", JSON.valueToTree(data));
        return send(body.toString(), UUID.randomUUID().toString());
    }

    private Published send(String body, String idempotencyKey) throws PublishException {
        PublishException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(timeout)
                        .header("Authorization", authorization).header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    return published(response);
                }
                last = PublishException.of(response.statusCode(), response.body(),
                        response.headers().firstValue("Retry-After").orElse(null));
                if (!last.isRetryable()) {
                    throw last;
                }
                if (last.retryAfter() != null) {
                    wait = last.retryAfter();
                }
            } catch (IOException dropped) {
                // the publish may have landed: the retry carries the same key, so it lands once
                last = new PublishException.Unavailable("no answer from Relay: " + dropped.getMessage(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException.Unavailable("interrupted", null);
            }
            if (attempt < attempts) {
                sleep(wait);
            }
        }
        throw last;
    }

    private static Published published(HttpResponse<String> response) throws PublishException {
        try {
            JsonNode node = JSON.readTree(response.body());
            List<Published.Placement> placements = new ArrayList<>();
            for (JsonNode placement : node.get("channels")) {
                placements.add(new Published.Placement(placement.get("channel").asText(),
                        placement.get("epoch").asText(), placement.get("offset").asLong()));
            }
            boolean replayed = response.headers().firstValue("Idempotent-Replayed").isPresent();
            return new Published(node.get("id").asText(), placements, replayed);
        } catch (IOException | RuntimeException e) {
            throw new PublishException.Unexpected(202, "unreadable answer: " + e.getMessage());
        }
    }

    private static void sleep(Duration wait) throws PublishException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException.Unavailable("interrupted", null);
        }
    }

    /** What a publish created: its id and where it landed per channel. {@code replayed}: a retry answered by the first. */
    public record Published(String id, List<Placement> channels, boolean replayed) {

        public record Placement(String channel, String epoch, long offset) {
        }
    }

    public static final class Builder {
        private final URI base;
        private final String key;
        private HttpClient http;
        private int attempts = 4;
        private Duration firstBackoff = Duration.ofMillis(200);
        private Duration timeout = Duration.ofSeconds(10);

        private Builder(URI base, String key) {
            this.base = base;
            this.key = key;
        }

        /** Tries per publish, the first included (default 4). */
        public Builder attempts(int attempts) {
            this.attempts = Math.max(1, attempts);
            return this;
        }

        /** Wait before the second try, doubled each time after (default 200 ms); a Retry-After wins. */
        public Builder backoff(Duration first) {
            this.firstBackoff = first;
            return this;
        }

        /** Per request (default 10 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        public RelayPublisher build() {
            return new RelayPublisher(this);
        }
    }
}
