package io.relay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.vertx.core.json.JsonObject;

/** A thread-safe publisher over real HTTP, for tests that publish from several threads at once. */
public final class Publisher {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;

    public Publisher(URI base) {
        this.url = base.resolve("/api/v1/notifications");
    }

    public JsonObject publish(String channel, JsonObject data) {
        return publish(new JsonObject().put("channel", channel).put("event", "test").put("data", data));
    }

    public JsonObject publish(JsonObject body) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestTokens.PUBLISHER_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new AssertionError("publish answered " + response.statusCode() + ": " + response.body());
            }
            return new JsonObject(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The epoch a publish landed in (single-channel publishes). */
    public static String epoch(JsonObject published) {
        return published.getJsonArray("channels").getJsonObject(0).getString("epoch");
    }

    public static long offset(JsonObject published) {
        return published.getJsonArray("channels").getJsonObject(0).getLong("offset");
    }
}
