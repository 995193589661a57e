package io.relay;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every Relay setting, under the prefix {@code relay}. The table in docs/configuration.md mirrors this
 * interface (checked by {@code ConfigurationTableTest}); environment names follow MicroProfile rules
 * ({@code relay.ws.ping-interval} is {@code RELAY_WS_PING_INTERVAL}).
 */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    /** {@code relay.engine}: where offsets, history and fan-out live. */
    @WithDefault("memory")
    EngineKind engine();

    /**
     * {@code relay.publisher-keys}: the keys publishers present as {@code Authorization: Bearer <key>}.
     * Several at once so keys can be rotated. Required outside the dev profile.
     */
    Optional<List<String>> publisherKeys();

    /** {@code relay.max-payload-bytes}: largest publish request body accepted; larger gets 413. */
    @WithDefault("65536")
    int maxPayloadBytes();

    History history();

    Channels channels();

    Auth auth();

    Ws ws();

    Sse sse();

    Limits limits();

    Idempotency idempotency();

    Redis redis();

    Shutdown shutdown();

    Log log();

    Demo demo();

    WarmUp warmUp();

    Inbox inbox();

    enum EngineKind {
        /** One process, no dependency; history is lost on restart (with a new epoch). */
        memory,
        /** Any number of replicas sharing offsets, history and fan-out through Redis ({@code quarkus.redis.hosts}). */
        redis
    }

    interface History {
        /** {@code relay.history.size}: notifications retained per channel for resume. */
        @WithDefault("1000")
        int size();

        /** {@code relay.history.ttl}: a retained notification older than this is dropped. */
        @WithDefault("24h")
        Duration ttl();

        /**
         * {@code relay.history.max-channels}: channels the memory engine holds; a publish creating one more
         * gets 503. Only channels that hold notifications count: reads and subscriptions create none.
         */
        @WithDefault("1000000")
        int maxChannels();

        /** {@code relay.history.sweep-interval}: how often expired entries and idle channels are swept. */
        @WithDefault("30s")
        Duration sweepInterval();

        /**
         * {@code relay.history.catch-up-concurrency}: history reads one replica runs at once to bring
         * live subscribers past a gap (after a fan-out interruption); one read per channel, shared by
         * its subscribers.
         */
        @WithDefault("4")
        int catchUpConcurrency();
    }

    interface Channels {
        /** {@code relay.channels.public}: channel patterns (exact, or a prefix ending in *) any subscriber may read. */
        @WithName("public")
        @WithDefault("broadcast")
        List<String> publicPatterns();
    }

    interface Auth {
        /** {@code relay.auth.hmac-secret}: HS256 secret for subscriber tokens, at least 32 bytes. */
        Optional<String> hmacSecret();

        /** {@code relay.auth.public-key-location}: PEM or JWK(S) file or URL with the RSA/EC key that signs tokens. */
        Optional<String> publicKeyLocation();

        /** {@code relay.auth.issuer}: when set, the token's iss must equal it. */
        Optional<String> issuer();

        /** {@code relay.auth.audience}: when set, the token's aud must contain it. */
        Optional<String> audience();

        /** {@code relay.auth.cookie-name}: cookie that may carry the token. */
        @WithDefault("relay_token")
        String cookieName();

        /** {@code relay.auth.query-token}: accept the token in the access_token query parameter. */
        @WithDefault("false")
        boolean queryToken();

        /** {@code relay.auth.allowed-origins}: origins (scheme://host[:port]) allowed besides the relay's own. */
        Optional<List<String>> allowedOrigins();

        /** {@code relay.auth.clock-skew}: tolerance when checking exp. */
        @WithDefault("30s")
        Duration clockSkew();

        /**
         * {@code relay.auth.verified-token-cache}: tokens kept verified until their {@code exp}, so
         * a long-polling client's token is not verified again on every poll; 0 turns the cache off.
         */
        @WithDefault("10000")
        int verifiedTokenCache();
    }

    interface Ws {
        /** {@code relay.ws.ping-interval}: server ping period; a peer that answers nothing between two pings is closed (1001). */
        @WithDefault("30s")
        Duration pingInterval();

        /** {@code relay.ws.max-frame-bytes}: largest client frame; larger closes with 1009. */
        @WithDefault("16384")
        int maxFrameBytes();

        /**
         * {@code relay.ws.max-pending-messages}: messages a subscriber may have unwritten before it is
         * closed with 4002 (a WebSocket) or its stream ended (SSE); it resumes and loses nothing.
         */
        @WithDefault("1024")
        int maxPendingMessages();

        /**
         * {@code relay.ws.tcp-no-delay}: send each frame at once (true), or let the kernel coalesce
         * frames to a client while an earlier one is unacknowledged (false, Nagle's algorithm, as
         * Nchan does): less CPU per delivery under load, for up to one delayed ACK on a frame that
         * closely follows another to the same client.
         */
        @WithDefault("false")
        boolean tcpNoDelay();
    }

    interface Sse {
        /** {@code relay.sse.heartbeat}: a comment line is sent this often on an idle stream, so proxies keep it open. */
        @WithDefault("15s")
        Duration heartbeat();
    }

    interface Limits {
        /** {@code relay.limits.channels-per-connection}: channels one connection (or request) may read at once. */
        @WithDefault("100")
        int channelsPerConnection();

        /** {@code relay.limits.max-connections}: subscriber connections (WebSocket, SSE, polls) one replica holds; one more gets 429. */
        @WithDefault("50000")
        int maxConnections();

        /** {@code relay.limits.max-connections-per-user}: connections one user may hold on one replica; one more gets 429. */
        @WithDefault("50")
        int maxConnectionsPerUser();

        /** {@code relay.limits.handshake-rate}: new subscriber connections and requests per second per replica (bursts as many). */
        @WithDefault("10000")
        int handshakeRate();

        /** {@code relay.limits.publish-rate}: publishes per second per publisher key on one replica (bursts as many). */
        @WithDefault("50000")
        int publishRate();

        /** {@code relay.limits.ws-op-rate}: client ops per second per WebSocket; more get an error frame rate_limited. */
        @WithDefault("50")
        int wsOpRate();

        /**
         * {@code relay.limits.delivery-backlog}: deliveries one event loop may have queued; past it a
         * delivery is dropped for that loop and its subscribers catch up from history.
         */
        @WithDefault("10000")
        int deliveryBacklog();
    }

    interface Redis {
        /** {@code relay.redis.heartbeat}: how often a replica announces itself; one silent for 3 heartbeats is no longer waited for. */
        @WithDefault("5s")
        Duration heartbeat();

        /**
         * {@code relay.redis.request-timeout}: how long presence and disconnect wait for the other
         * replicas' answers, and a Pub/Sub SUBSCRIBE for Redis's (then the connection is made again);
         * a subscriber waits up to twice this for the fan-out before it is answered unavailable.
         */
        @WithDefault("2s")
        Duration requestTimeout();

        /**
         * {@code relay.redis.max-pending-publishes}: publishes one event loop may have waiting for
         * Redis (queued or sent and unanswered); one more gets 503 with {@code Retry-After} and is not
         * published.
         */
        @WithDefault("2048")
        int maxPendingPublishes();
    }

    interface Shutdown {
        /**
         * {@code relay.shutdown.drain-delay}: after SIGTERM, readiness is DOWN at once and the replica keeps
         * serving this long, so load balancers stop sending it new clients; then its subscribers are closed (1001).
         */
        @WithDefault("5s")
        Duration drainDelay();
    }

    interface Log {
        /** {@code relay.log.json}: the console writes one JSON object per line instead of text (quarkus-logging-json). */
        @WithDefault("false")
        boolean json();
    }

    interface Demo {
        /** {@code relay.demo.enabled}: the demo page at / and /demo/login; only the dev profile may turn it on. */
        @WithDefault("false")
        boolean enabled();

        /** {@code relay.demo.refuse-transports}: with the demo, answer websocket and/or sse with 502, to show the fallbacks. */
        Optional<List<String>> refuseTransports();
    }

    /**
     * Before a replica reports ready, it sends real traffic over loopback (WebSockets and publishes,
     * per-user and broadcast) to a private copy of its serving stack until the JIT has compiled the
     * paths that serve clients, so that its first clients do not pay for compiling them (ops.WarmUp).
     */
    interface WarmUp {
        /** {@code relay.warm-up.enabled}: warm up before reporting ready (off in the dev and test profiles). */
        @WithDefault("true")
        boolean enabled();

        /** {@code relay.warm-up.max-duration}: the replica reports ready after this long at the latest, warm or not. */
        @WithDefault("20s")
        Duration maxDuration();

        /** {@code relay.warm-up.connections}: WebSockets the warm-up opens to its private stack. */
        @WithDefault("100")
        int connections();

        /** {@code relay.warm-up.publishes}: per-user publishes the warm-up makes, plus one broadcast to every connection per 20, and a quarter as many in each further round until the JIT has nothing left to compile. */
        @WithDefault("30000")
        int publishes();
    }

    interface Idempotency {
        /**
         * {@code relay.idempotency.max-keys}: Idempotency-Key results remembered (oldest forgotten first), per
         * replica on the memory engine and in Redis for all replicas on the Redis engine.
         */
        @WithDefault("100000")
        int maxKeys();

        /**
         * {@code relay.idempotency.claim-ttl} (Redis engine): how long a key claimed by a first publish is kept
         * before its result is stored. Longer than a publish takes (one script call, milliseconds), so a
         * retry does not publish again; short, so a claim whose result never came (the replica died, or
         * Redis failed the write) holds retries off for seconds, not for relay.history.ttl.
         */
        @WithDefault("10s")
        Duration claimTtl();
    }

    interface Inbox {
        /**
         * {@code relay.inbox.retention}: how long a user's inbox keeps an item; also the largest
         * {@code ttl} a publish may give.
         */
        @WithDefault("30d")
        Duration retention();

        /** {@code relay.inbox.max-items}: items kept per user; a newer one pushes the oldest out. */
        @WithDefault("1000")
        int maxItems();

        /**
         * {@code relay.inbox.sweep-interval}: how often expired items are dropped from the inboxes of the
         * users connected to a replica (their connections are told), and on the memory engine from every
         * inbox (a read never shows an expired item; Redis expires a user's keys with the last item).
         */
        @WithDefault("30s")
        Duration sweepInterval();
    }
}
