package io.relay.engine.redis;

import java.util.Optional;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Relay's guarantees need Redis never to evict its keys ({@code maxmemory-policy noeviction}): an
 * evicted epoch, stream or offset loses history or, with both a stream and its offset gone, could
 * give an offset twice in one epoch. Checked once at start-up; a policy that may evict, or one that
 * cannot be read (a managed Redis refusing {@code CONFIG}), is a warning, not a refusal to start.
 */
public final class RedisEvictionPolicy {

    private static final Logger LOG = Logger.getLogger(RedisEvictionPolicy.class);
    static final String REQUIRED = "noeviction";

    private RedisEvictionPolicy() {
    }

    /** Logs {@link #warning} at WARN, if any, when Redis answers; never fails. */
    public static void warnAtStart(Redis redis) {
        warning(redis).subscribe().with(warning -> warning.ifPresent(LOG::warn));
    }

    /** What is wrong with Redis's eviction policy for Relay, or empty when it is {@code noeviction}. */
    static Uni<Optional<String>> warning(Redis redis) {
        return RedisScript.send(redis, Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory-policy"))
                .map(RedisEvictionPolicy::policy)
                .map(policy -> REQUIRED.equals(policy) ? Optional.<String>empty() : Optional.of(mayEvict(policy)))
                .onFailure().recoverWithItem(failure -> Optional.of("Redis: could not read maxmemory-policy ("
                        + failure.getMessage() + "); Relay needs maxmemory-policy " + REQUIRED
                        + ": check it with your Redis provider (see docs/operations.md)"));
    }

    /** CONFIG GET answers a map in RESP3 and a flat name-value array in RESP2. */
    private static String policy(Response reply) {
        Response value = reply.containsKey("maxmemory-policy") ? reply.get("maxmemory-policy") : reply.get(1);
        return value == null ? "" : value.toString();
    }

    private static String mayEvict(String policy) {
        return "Redis: maxmemory-policy is " + policy + "; Relay needs " + REQUIRED
                + ": an evicted channel key loses history, and may give an offset twice in one epoch (see docs/operations.md)";
    }
}
