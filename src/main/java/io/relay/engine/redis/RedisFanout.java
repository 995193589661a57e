package io.relay.engine.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.Notification;
import io.relay.engine.NotificationListener;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * This replica's Redis Pub/Sub: one connection, subscribed to exactly the channels this replica has
 * subscribers for (counted), so 100,000 per-user channels cost one connection and 100,000
 * subscriptions, not 100,000 connections. Messages arrive on one connection in publish order and go
 * to the listener in that order. When the connection drops, it reconnects with backoff and
 * subscribes again to every channel.
 */
public final class RedisFanout implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Redis redis;
    private final Vertx vertx;
    private final NotificationListener listener;
    /** Guarded by {@code this}: per channel, its subscriber count and when Redis confirmed the subscription. */
    private final Map<ChannelName, Entry> channels = new HashMap<>();
    private CompletableFuture<RedisConnection> connection;
    private long backoffMillis = 100;
    private boolean closed;

    private static final class Entry {
        int count;
        CompletableFuture<Void> subscribed;
    }

    public RedisFanout(Redis redis, Vertx vertx, NotificationListener listener) {
        this.redis = redis;
        this.vertx = vertx;
        this.listener = listener;
    }

    /** Completes once Redis confirmed the subscription: from then on no notification of the channel is missed. */
    public Uni<Void> subscribe(ChannelName channel) {
        CompletableFuture<Void> subscribed;
        synchronized (this) {
            Entry entry = channels.computeIfAbsent(channel, c -> new Entry());
            entry.count++;
            if (entry.subscribed == null || entry.subscribed.isCompletedExceptionally()) {
                entry.subscribed = connection().thenCompose(c -> send(c, Command.SUBSCRIBE, channel));
            }
            subscribed = entry.subscribed;
        }
        return Uni.createFrom().completionStage(subscribed)
                .onFailure().transform(failure -> new EngineUnavailableException("Redis: " + failure.getMessage(), failure));
    }

    public void unsubscribe(ChannelName channel) {
        synchronized (this) {
            Entry entry = channels.get(channel);
            if (entry == null || --entry.count > 0) {
                return;
            }
            channels.remove(channel);
            if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
                send(connection.join(), Command.UNSUBSCRIBE, channel);
            }
        }
    }

    /** The channels this replica listens to now. */
    public synchronized int channelCount() {
        return channels.size();
    }

    private synchronized CompletableFuture<RedisConnection> connection() {
        if (connection == null || connection.isCompletedExceptionally()) {
            connection = redis.connect().toCompletionStage().toCompletableFuture().thenApply(this::attach);
        }
        return connection;
    }

    private RedisConnection attach(RedisConnection opened) {
        opened.handler(this::onMessage);
        opened.exceptionHandler(failure -> lost(opened, failure));
        opened.endHandler(v -> lost(opened, null));
        synchronized (this) {
            backoffMillis = 100;
        }
        return opened;
    }

    private void lost(RedisConnection lost, Throwable failure) {
        synchronized (this) {
            if (closed || connection == null || connection.getNow(null) != lost) {
                return;
            }
            LOG.warnf("Redis fan-out connection lost (%s): reconnecting", failure == null ? "closed" : failure.toString());
            connection = null;
            channels.values().forEach(entry -> entry.subscribed = null);
        }
        lost.close();
        reconnect();
    }

    private void reconnect() {
        long delay;
        synchronized (this) {
            if (closed) {
                return;
            }
            delay = backoffMillis;
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF.toMillis());
        }
        vertx.setTimer(delay, id -> {
            List<ChannelName> wanted;
            synchronized (this) {
                wanted = List.copyOf(channels.keySet());
                wanted.forEach(channel -> channels.get(channel).subscribed = connection()
                        .thenCompose(c -> send(c, Command.SUBSCRIBE, channel)));
            }
            connection().whenComplete((c, failure) -> {
                if (failure != null) {
                    reconnect();
                }
            });
        });
    }

    private static CompletableFuture<Void> send(RedisConnection connection, Command command, ChannelName channel) {
        return connection.send(Request.cmd(command).arg(RedisKeys.fanout(channel))).toCompletionStage()
                .toCompletableFuture().thenApply(reply -> null);
    }

    private void onMessage(Response message) {
        if (message.size() != 3 || !"message".equals(message.get(0).toString())) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(message.get(2).toString());
            String event = node.get("v").asText();
            listener.onNotification(new Notification(node.get("i").asText(), ChannelName.of(node.get("c").asText()),
                    new StreamPosition(node.get("e").asText(), node.get("o").asLong()), event.isEmpty() ? null : event,
                    node.get("d").asText(), Instant.parse(node.get("t").asText())));
        } catch (Exception e) {
            LOG.warnf("dropped an unreadable fan-out message: %s", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
            connection.join().close();
        }
    }
}
