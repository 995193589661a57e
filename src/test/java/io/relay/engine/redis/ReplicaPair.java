package io.relay.engine.redis;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.relay.RelayProcess;
import io.relay.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Two replicas of the packaged application, as separate processes on their own ports, sharing one
 * real redis-server, with the tests' own publisher key and token secret.
 */
final class ReplicaPair implements AutoCloseable {

    static final String KEY = "it-redis-publisher-key";
    static final String SECRET = "it-redis-hmac-secret-0123456789-abcdefghij";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final RedisServer redis;
    final RelayProcess a;
    final RelayProcess b;

    private ReplicaPair(RedisServer redis, RelayProcess a, RelayProcess b) {
        this.redis = redis;
        this.a = a;
        this.b = b;
    }

    /** Starts Redis and both replicas, ready; {@code extraEnv} adds name/value pairs to their environment. */
    static ReplicaPair start(String... extraEnv) throws Exception {
        RedisServer redis = RedisServer.start();
        Map<String, String> env = RelayProcess.env("RELAY_ENGINE", "redis", "QUARKUS_REDIS_HOSTS", redis.url(),
                "RELAY_PUBLISHER_KEYS", KEY, "RELAY_AUTH_HMAC_SECRET", SECRET, "RELAY_REDIS_HEARTBEAT", "1s");
        env.putAll(RelayProcess.env(extraEnv));
        RelayProcess a = RelayProcess.start(env);
        RelayProcess b = RelayProcess.start(env);
        a.awaitReady();
        b.awaitReady();
        return new ReplicaPair(redis, a, b);
    }

    static String token(String user, String... channels) {
        return TestTokens.sign(TestTokens.claims(user, channels), SECRET);
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes {@code {"n": n}} to the channels through {@code relay}. */
    static HttpResponse<String> publish(RelayProcess relay, List<String> channels, int n) throws Exception {
        JsonObject body = new JsonObject().put("channels", new JsonArray(new ArrayList<>(channels)))
                .put("data", new JsonObject().put("n", n));
        return HTTP.send(HttpRequest.newBuilder(relay.base().resolve("/api/v1/notifications"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(RelayProcess relay, String path, String bearer) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(relay.base().resolve(path)).header("Authorization", "Bearer " + bearer)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The sum of the replica's Prometheus samples whose line starts with {@code prefix}. */
    static double metric(RelayProcess relay, String prefix) throws Exception {
        return get(relay, "/q/metrics", KEY).body().lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Override
    public void close() throws Exception {
        a.close();
        b.close();
        redis.close();
    }
}
