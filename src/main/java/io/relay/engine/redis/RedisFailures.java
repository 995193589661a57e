package io.relay.engine.redis;

import io.relay.engine.EngineUnavailableException;

/** How the Redis engine reports that Redis could not do what was asked: a 503 naming Redis. */
public final class RedisFailures {

    private RedisFailures() {
    }

    public static EngineUnavailableException unavailable(Throwable failure) {
        return new EngineUnavailableException("Redis: " + failure.getMessage(), failure);
    }

    /** For an error Redis answered in a reply (a script's {@code pcall}), with no exception behind it. */
    static EngineUnavailableException unavailable(String message) {
        return new EngineUnavailableException("Redis: " + message, null);
    }
}
