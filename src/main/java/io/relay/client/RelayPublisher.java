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
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A publisher's client for Relay, on the JDK {@link HttpClient} and Jackson only, so a backend can use
 * it without the server. Every publish carries one {@code Idempotency-Key} through all its retries,
 * so a retried publish (a dropped response, a 503, a 429) is delivered once; so does every item of a
 * batch. Errors are {@link PublishException}s built from the problem+json answer.
 *
 * <pre>
 * RelayPublisher relay = RelayPublisher.builder(URI.create("http://relay:8080"), key).build();
 * Published result = relay.publish("user:alice", "order.shipped", Map.of("orderId", 7));
 * relay.publish(Message.toUsers(List.of("alice", "bob"), "incident", Map.of("id", 42)));
 * </pre>
 */
public final class RelayPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final URI batchEndpoint;
    private final String authorization;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration timeout;

    private RelayPublisher(Builder builder) {
        this.http = builder.http != null ? builder.http
                : HttpClient.newBuilder().connectTimeout(builder.timeout).build();
        this.endpoint = builder.base.resolve("/api/v1/notifications");
        this.batchEndpoint = builder.base.resolve("/api/v1/notifications/batch");
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
        return publish(Message.toChannels(channels, event, data));
    }

    /** Publishes one message to its channels and users: all of them get it or none does. */
    public Published publish(Message message) throws PublishException {
        return send(endpoint, message.toJson().toString(), UUID.randomUUID().toString(), 202,
                response -> published(JSON.readTree(response.body()),
                        response.headers().firstValue("Idempotent-Replayed").isPresent()),
                published -> false);
    }

    /**
     * Publishes up to 100 messages in one request, in order, each on its own: the results are in the
     * same order, each published or refused. Each item keeps its idempotency key through the
     * retries, so a retry after a 503 item (or a lost answer) publishes each item once; an item that
     * landed before comes back {@code replayed}.
     */
    public List<Outcome> publishBatch(List<Message> messages) throws PublishException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("notifications");
        messages.forEach(message -> items.add(message.toJson().put("idempotencyKey", UUID.randomUUID().toString())));
        return send(batchEndpoint, body.toString(), null, 200, RelayPublisher::outcomes,
                outcomes -> outcomes.stream().anyMatch(o -> o.refused() != null && o.refused().isRetryable()));
    }

    /** Reads a successful answer. */
    private interface Answer<T> {
        T read(HttpResponse<String> response) throws IOException, PublishException;
    }

    /**
     * Sends {@code body} until it is answered {@code okStatus} with a result {@code again} does not
     * want retried, or the attempts are spent.
     */
    private <T> T send(URI target, String body, String idempotencyKey, int okStatus, Answer<T> answer,
            Predicate<T> again) throws PublishException {
        PublishException last = null;
        T result = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 10));
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout)
                        .header("Authorization", authorization).header("Content-Type", "application/json");
                if (idempotencyKey != null) {
                    request.header("Idempotency-Key", idempotencyKey);
                }
                HttpResponse<String> response = http.send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == okStatus) {
                    result = read(answer, response);
                    if (!again.test(result)) {
                        return result;
                    }
                } else {
                    last = PublishException.of(response.statusCode(), response.body(),
                            response.headers().firstValue("Retry-After").orElse(null));
                    if (!last.isRetryable()) {
                        throw last;
                    }
                    if (last.retryAfter() != null) {
                        wait = last.retryAfter();
                    }
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
        if (result != null) {
            return result;
        }
        throw last;
    }

    private static <T> T read(Answer<T> answer, HttpResponse<String> response) throws PublishException {
        try {
            return answer.read(response);
        } catch (IOException | RuntimeException e) {
            throw new PublishException.Unexpected(response.statusCode(), "unreadable answer: " + e.getMessage());
        }
    }

    private static List<Outcome> outcomes(HttpResponse<String> response) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        for (JsonNode result : JSON.readTree(response.body()).get("results")) {
            int status = result.get("status").asInt();
            outcomes.add(status == 202 ? new Outcome(published(result, result.path("replayed").asBoolean(false)), null)
                    : new Outcome(null, PublishException.of(status, result.path("problem").toString(), null)));
        }
        return outcomes;
    }

    private static Published published(JsonNode node, boolean replayed) {
        List<Published.Placement> placements = new ArrayList<>();
        for (JsonNode placement : node.get("channels")) {
            placements.add(new Published.Placement(placement.get("channel").asText(),
                    placement.get("epoch").asText(), placement.get("offset").asLong()));
        }
        JsonNode inbox = node.path("inbox").path("stored");
        return new Published(node.get("id").asText(), placements, inbox.isInt() ? inbox.asInt() : null, replayed);
    }

    private static void sleep(Duration wait) throws PublishException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException.Unavailable("interrupted", null);
        }
    }

    /**
     * What a publish created: its id, where it landed per channel, and with {@code inbox} how many
     * users' inboxes kept it (else null). {@code replayed}: a retry answered by the first.
     */
    public record Published(String id, List<Placement> channels, Integer inboxStored, boolean replayed) {

        public record Placement(String channel, String epoch, long offset) {
        }
    }

    /**
     * What to publish: to {@code channels}, to each of {@code users}'s personal channel, or both (at
     * most 1000 channels in all); {@code event} may be null, {@code data} is anything Jackson writes.
     * {@code ttl}, in whole seconds, may be null: after it no transport delivers or replays the
     * notification. With {@code inbox}, the inbox of every user it targets keeps it too.
     */
    public record Message(List<String> channels, List<String> users, String event, Object data, Duration ttl,
            boolean inbox) {

        public Message {
            channels = List.copyOf(channels);
            users = List.copyOf(users);
            if (ttl != null && (ttl.getSeconds() < 1 || ttl.getNano() != 0)) {
                throw new IllegalArgumentException("a ttl is a whole number of seconds, at least 1: " + ttl);
            }
        }

        public Message(List<String> channels, List<String> users, String event, Object data) {
            this(channels, users, event, data, null, false);
        }

        public static Message toChannels(List<String> channels, String event, Object data) {
            return new Message(channels, List.of(), event, data);
        }

        public static Message toUsers(List<String> users, String event, Object data) {
            return new Message(List.of(), users, event, data);
        }

        /** This message to these users too. */
        public Message andUsers(List<String> more) {
            return new Message(channels, more, event, data, ttl, inbox);
        }

        /** This message, delivered and replayed only within {@code ttl} (whole seconds) of its publishing. */
        public Message withTtl(Duration ttl) {
            return new Message(channels, users, event, data, ttl, inbox);
        }

        /** This message, kept in the inbox of each user it targets (users, or user:<id> channels) as well. */
        public Message withInbox() {
            return new Message(channels, users, event, data, ttl, true);
        }

        ObjectNode toJson() {
            ObjectNode body = JSON.createObjectNode();
            if (channels.size() == 1) {
                body.put("channel", channels.get(0));
            } else if (!channels.isEmpty()) {
                channels.forEach(body.putArray("channels")::add);
            }
            if (!users.isEmpty()) {
                users.forEach(body.putArray("users")::add);
            }
            if (event != null) {
                body.put("event", event);
            }
            body.set("data", JSON.valueToTree(data));
            if (ttl != null) {
                body.put("ttl", ttl.getSeconds());
            }
            if (inbox) {
                body.put("inbox", true);
            }
            return body;
        }
    }

    /** One batch item's result: {@code published}, or {@code refused} with its typed problem. */
    public record Outcome(Published published, PublishException refused) {
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
