package io.relay.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.relay.RelayConfig;
import io.relay.demo.DevTokens;
import io.relay.auth.PublisherKeys;
import io.relay.auth.TokenVerifier;

/**
 * Refuses to run without credentials, or with the dev defaults outside the dev profile, with one
 * line naming the setting; in the dev profile, prints how to publish and subscribe. Never logs a
 * configured secret: the dev key and the sample token are printed only when they are the dev ones.
 */
@Singleton
public class StartupCheck {

    private static final Logger LOG = Logger.getLogger(StartupCheck.class);
    /** The dev profile's publisher key and HMAC secret (application.properties); refused elsewhere. */
    static final String DEV_PUBLISHER_KEY = "dev-publisher-key";
    static final String DEV_HMAC_SECRET = "dev-only-hmac-secret-not-for-production-0123456789";
    private static final int MIN_SECRET_BYTES = 32;

    private final RelayConfig config;
    private final TokenVerifier verifier;
    private final int port;

    private volatile boolean refused;

    public StartupCheck(RelayConfig config, TokenVerifier verifier, @ConfigProperty(name = "quarkus.http.port") int port) {
        this.config = config;
        this.verifier = verifier;
        this.port = port;
    }

    /** Whether start-up was refused (the process is exiting without ever having served). */
    public boolean refused() {
        return refused;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        boolean dev = ConfigUtils.getProfiles().contains("dev");
        List<String> problems = problems(dev);
        if (problems.isEmpty()) {
            try {
                verifier.load();
            } catch (IllegalStateException unusable) {
                problems.add(unusable.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(LOG::error);
            refused = true;
            Quarkus.asyncExit(1);
            return;
        }
        if (dev) {
            LOG.info(devBanner());
        }
    }

    List<String> problems(boolean dev) {
        List<String> problems = new ArrayList<>();
        List<String> keys = PublisherKeys.configured(config);
        if (keys.isEmpty()) {
            problems.add("relay.publisher-keys (env RELAY_PUBLISHER_KEYS) is not set: Relay will not start without a publisher key");
        } else if (!dev && keys.contains(DEV_PUBLISHER_KEY)) {
            problems.add("relay.publisher-keys (env RELAY_PUBLISHER_KEYS) holds the dev key, which only the dev profile accepts");
        }
        RelayConfig.Auth auth = config.auth();
        if (auth.hmacSecret().isEmpty() && auth.publicKeyLocation().isEmpty()) {
            problems.add("relay.auth.hmac-secret (env RELAY_AUTH_HMAC_SECRET) or relay.auth.public-key-location is not set: Relay will not start without a token verification key");
        } else if (auth.hmacSecret().isPresent() && auth.publicKeyLocation().isPresent()) {
            problems.add("set relay.auth.hmac-secret or relay.auth.public-key-location, not both");
        } else if (auth.hmacSecret().isPresent()) {
            String secret = auth.hmacSecret().get();
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
                problems.add("relay.auth.hmac-secret (env RELAY_AUTH_HMAC_SECRET) must be at least 32 bytes");
            } else if (!dev && secret.equals(DEV_HMAC_SECRET)) {
                problems.add("relay.auth.hmac-secret (env RELAY_AUTH_HMAC_SECRET) is the dev secret, which only the dev profile accepts");
            }
        }
        if (config.idempotency().maxKeys() < 1) {
            problems.add("relay.idempotency.max-keys (env RELAY_IDEMPOTENCY_MAX_KEYS) must be at least 1: with 0 no retry would find its first result");
        }
        if (!dev && config.demo().enabled()) {
            problems.add("relay.demo.enabled (env RELAY_DEMO_ENABLED) hands out tokens to anyone: only the dev profile may turn it on");
        }
        return problems;
    }

    private String devBanner() {
        boolean devKey = config.publisherKeys().orElse(List.of()).contains(DEV_PUBLISHER_KEY);
        boolean devSecret = config.auth().hmacSecret().map(DEV_HMAC_SECRET::equals).orElse(false);
        if (!devKey || !devSecret) {
            return "Relay (dev profile) is up on port " + port + " with your own keys.";
        }
        String token = DevTokens.sign("demo", DEV_HMAC_SECRET, Duration.ofDays(30));
        return """

                ───────────────────────── Relay (dev profile) ─────────────────────────
                Subscribe as user 'demo' (personal channel user:demo, plus team:* and broadcast):
                  token:  %2$s
                  npx wscat -s relay.v1 -H 'Authorization: Bearer %2$s' -c 'ws://localhost:%1$d/ws?channel=broadcast'
                  or SSE: curl -N -H 'Authorization: Bearer %2$s' 'http://localhost:%1$d/api/v1/notifications/stream?channel=broadcast'
                  or long-poll: curl -H 'Authorization: Bearer %2$s' 'http://localhost:%1$d/api/v1/notifications/long-poll?channel=broadcast'
                Publish:
                  curl -i -H 'Authorization: Bearer %3$s' -H 'Content-Type: application/json' \\
                    -d '{"channel":"user:demo","event":"order.shipped","data":{"orderId":7}}' \\
                    http://localhost:%1$d/api/v1/notifications
                Demo page: http://localhost:%1$d/   Dev UI: http://localhost:%1$d/q/dev-ui/   API: http://localhost:%1$d/q/swagger-ui/
                Health: http://localhost:%1$d/q/health   Metrics: http://localhost:%1$d/q/metrics   OpenAPI: http://localhost:%1$d/q/openapi
                These dev credentials are refused outside the dev profile.
                ────────────────────────────────────────────────────────────────────────
                """.formatted(port, token, DEV_PUBLISHER_KEY);
    }
}
