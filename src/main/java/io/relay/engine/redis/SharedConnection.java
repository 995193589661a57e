package io.relay.engine.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One Redis connection leased once and kept, shared by every thread: commands pipeline on it, with
 * no lease from the pool per command. When it fails or closes, the next command opens another.
 */
final class SharedConnection {

    private final Redis redis;
    private Future<RedisConnection> connection;

    SharedConnection(Redis redis) {
        this.redis = redis;
    }

    /** The reply completes on the caller's context, except for commands sent while the connection opens. */
    Future<Response> send(Request request) {
        Future<RedisConnection> current = connection();
        return current.succeeded() ? current.result().send(request) : current.compose(opened -> opened.send(request));
    }

    private synchronized Future<RedisConnection> connection() {
        if (connection == null || connection.failed()) {
            connection = redis.connect().map(opened -> {
                opened.exceptionHandler(failure -> forget(opened));
                opened.endHandler(ended -> forget(opened));
                return opened;
            });
        }
        return connection;
    }

    private synchronized void forget(RedisConnection lost) {
        if (connection != null && connection.succeeded() && connection.result() == lost) {
            connection = null;
            lost.close();
        }
    }
}
