package io.relay.engine.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.relay.channel.ChannelName;
import io.relay.engine.NotificationListener;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * This replica's Redis Pub/Sub: one connection, subscribed to exactly the channels this replica has
 * subscribers for (counted), so any number of per-user channels cost one connection, not one each.
 * Messages arrive on one connection in publish order and go to the listener in that order. When the
 * connection drops, the listener is told ({@code onInterrupted}), the fan-out reconnects with backoff
 * (100 ms doubling to 5 s), subscribes again to everything, and tells the listener ({@code onResumed})
 * so subscribers catch up from history.
 */
public final class RedisFanout implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofMillis(500);

    private final Redis redis;
    private final Vertx vertx;
    private final NotificationListener listener;
    private final Duration subscribeTimeout;
    /** Lasting subscriptions (control channels), renewed after a reconnect. */
    private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
    /** Guarded by {@code this}: per channel, its subscriber count and when Redis confirmed the subscription. */
    private final Map<ChannelName, Entry> channels = new HashMap<>();
    private CompletableFuture<RedisConnection> connection;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private boolean reconnecting;
    private boolean closed;

    private static final class Entry {
        int count;
        CompletableFuture<Void> subscribed;
    }

    /** @param subscribeTimeout how long a SUBSCRIBE may go unanswered before the connection is made again */
    public RedisFanout(Redis redis, Vertx vertx, NotificationListener listener, Duration subscribeTimeout) {
        this.redis = redis;
        this.vertx = vertx;
        this.listener = listener;
        this.subscribeTimeout = subscribeTimeout;
    }

    /**
     * Completes once Redis confirmed the subscription: from then on no notification of the channel is
     * missed. A subscribe that meets a dropped or unanswering connection waits for the one made again
     * (retried with backoff for twice the SUBSCRIBE timeout: one that timed out, one on the new
     * connection), so a Pub/Sub blip delays a subscriber instead of refusing it.
     */
    public Uni<Void> subscribe(ChannelName channel) {
        synchronized (this) {
            channels.computeIfAbsent(channel, c -> new Entry()).count++;
        }
        return unavailableOnFailure(Uni.createFrom().completionStage(() -> subscription(channel))
                .onFailure().retry().withBackOff(RETRY_BACKOFF, MAX_RETRY_BACKOFF).expireIn(2 * subscribeTimeout.toMillis()));
    }

    /** The channel's SUBSCRIBE, sent again if the last one failed; done at once if it is no longer wanted. */
    private synchronized CompletableFuture<Void> subscription(ChannelName channel) {
        Entry entry = channels.get(channel);
        if (entry == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (entry.subscribed == null || entry.subscribed.isCompletedExceptionally()) {
            entry.subscribed = subscribeOn(RedisKeys.fanout(channel));
        }
        return entry.subscribed;
    }

    public void unsubscribe(ChannelName channel) {
        synchronized (this) {
            Entry entry = channels.get(channel);
            if (entry == null || --entry.count > 0) {
                return;
            }
            channels.remove(channel);
            RedisConnection current = usable();
            if (current != null) {
                current.send(Request.cmd(Command.UNSUBSCRIBE).arg(RedisKeys.fanout(channel)));
            }
        }
    }

    /** Subscribes {@code handler} to a Redis channel for as long as this fan-out lives. */
    public Uni<Void> listen(String redisChannel, Consumer<String> handler) {
        listeners.put(redisChannel, handler);
        return unavailableOnFailure(Uni.createFrom().completionStage(() -> {
            synchronized (this) {
                return subscribeOn(redisChannel);
            }
        }));
    }

    /** The channels this replica listens to now. */
    public synchronized int channelCount() {
        return channels.size();
    }

    /** Whether the Pub/Sub connection is up now. */
    public synchronized boolean isConnected() {
        return usable() != null;
    }

    /**
     * A SUBSCRIBE may never be answered (a refusal pushed as a message, a half-open connection), so the
     * wait is bounded; a connection that let it time out is made again.
     */
    private CompletableFuture<Void> subscribeOn(String redisChannel) {
        return connection().thenCompose(c -> c.send(Request.cmd(Command.SUBSCRIBE).arg(redisChannel))
                .toCompletionStage().toCompletableFuture().thenApply(reply -> (Void) null)
                .orTimeout(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) -> {
                    if (failure instanceof TimeoutException) {
                        lost(c, failure);
                    }
                }));
    }

    /** Called under the lock. */
    private CompletableFuture<RedisConnection> connection() {
        if (connection == null || connection.isCompletedExceptionally()) {
            CompletableFuture<RedisConnection> opening = redis.connect().toCompletionStage().toCompletableFuture()
                    .thenApply(this::attach);
            opening.whenComplete((c, failure) -> {
                if (failure != null) {
                    reconnect();
                }
            });
            connection = opening;
        }
        return connection;
    }

    /** Called under the lock; null when the connection is not up. */
    private RedisConnection usable() {
        return connection != null && connection.isDone() && !connection.isCompletedExceptionally() ? connection.join() : null;
    }

    private RedisConnection attach(RedisConnection opened) {
        opened.handler(message -> onMessage(opened, message));
        opened.exceptionHandler(failure -> lost(opened, failure));
        opened.endHandler(v -> lost(opened, null));
        return opened;
    }

    private void lost(RedisConnection lost, Throwable failure) {
        synchronized (this) {
            if (closed || usable() != lost) {
                return;
            }
            LOG.warnf("Redis fan-out connection lost (%s): reconnecting", failure == null ? "closed" : failure.toString());
            connection = null;
            channels.values().forEach(entry -> entry.subscribed = null);
        }
        lost.close();
        listener.onInterrupted();
        reconnect();
    }

    /** Tries again after the backoff: connects, renews every subscription, then resumes the listener. */
    private void reconnect() {
        long delay;
        synchronized (this) {
            if (closed || reconnecting) {
                return;
            }
            reconnecting = true;
            delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
        vertx.setTimer(delay, id -> {
            List<CompletableFuture<Void>> renewed = new ArrayList<>();
            CompletableFuture<RedisConnection> attempt;
            synchronized (this) {
                reconnecting = false;
                if (closed) {
                    return;
                }
                attempt = connection();
                for (Map.Entry<ChannelName, Entry> wanted : channels.entrySet()) {
                    wanted.getValue().subscribed = subscribeOn(RedisKeys.fanout(wanted.getKey()));
                    renewed.add(wanted.getValue().subscribed);
                }
                listeners.keySet().forEach(name -> renewed.add(subscribeOn(name)));
            }
            CompletableFuture.allOf(renewed.toArray(CompletableFuture[]::new)).thenCompose(v -> attempt)
                    .whenComplete((c, failure) -> {
                        if (failure == null) {
                            synchronized (this) {
                                backoffMillis = FIRST_BACKOFF_MILLIS;
                            }
                            LOG.info("Redis fan-out connection restored");
                            listener.onResumed();
                        } else if (attempt.isDone() && !attempt.isCompletedExceptionally()) {
                            // connected, but a SUBSCRIBE failed: drop the connection and start over
                            lost(attempt.join(), failure);
                        }
                        // else the connection itself failed, and connection() already retries
                    });
        });
    }

    private void onMessage(RedisConnection connection, Response message) {
        if (message.type() == ResponseType.ERROR) {
            // on a subscribed connection a refused SUBSCRIBE (e.g. NOPERM) arrives here, not as its reply
            lost(connection, new IllegalStateException(message.toString()));
            return;
        }
        if ((message.type() != ResponseType.MULTI && message.type() != ResponseType.PUSH) || message.size() != 3
                || !"message".equals(message.get(0).toString())) {
            return;
        }
        String redisChannel = message.get(1).toString();
        if (!redisChannel.startsWith(RedisKeys.FANOUT_PREFIX)) {
            Consumer<String> handler = listeners.get(redisChannel);
            if (handler != null) {
                handler.accept(message.get(2).toString());
            }
            return;
        }
        try {
            listener.onNotification(FanoutMessage.read(ChannelName.of(redisChannel.substring(RedisKeys.FANOUT_PREFIX.length())),
                    message.get(2).toBytes()));
        } catch (IllegalArgumentException e) {
            LOG.warnf("dropped an unreadable fan-out message: %s", e.toString());
        }
    }

    private static <T> Uni<T> unavailableOnFailure(Uni<T> uni) {
        return uni.onFailure().transform(RedisFailures::unavailable);
    }

    @Override
    public synchronized void close() {
        closed = true;
        RedisConnection current = usable();
        if (current != null) {
            current.close();
        }
    }
}
