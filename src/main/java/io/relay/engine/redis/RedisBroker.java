package io.relay.engine.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.EventLoop;
import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.Broker;
import io.relay.engine.Epochs;
import io.relay.engine.PublishQueueFullException;
import io.relay.engine.PublishRequest;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

/**
 * Offsets, history and fan-out in Redis. Publishes go to Redis in batches, one script call each:
 * one write, one reply and one script run per batch instead of per publish. An event loop's batch
 * holds what it took in one turn, or while its previous batch was in flight.
 * The script appends each publish to every one of its channels' streams and publishes to their
 * fan-outs, all channels or none, and a publish that fails fails alone. Notifications come back to
 * this replica, like to every other, through {@link RedisFanout}.
 *
 * <p>Overflow policy: an event loop holds at most {@code relay.redis.max-pending-publishes} publishes
 * waiting for Redis (queued or sent and unanswered); one more is refused at once with
 * {@link PublishQueueFullException} (503 with {@code Retry-After}, nothing published), so a stalled
 * Redis costs publishers retries rather than the replica its heap.
 */
public final class RedisBroker implements Broker {

    /** A batch is sent once it holds this many publishes, so that one script call stays short. */
    static final int MAX_BATCH = 64;
    /** A batch is also cut at this many channels in all: 64 publishes to 1,000 users would be one 64,000-write script run that blocks Redis (one publish alone may pass it). */
    static final int MAX_BATCH_CHANNELS = 1024;
    private static final RedisScript PUBLISH = new RedisScript("publish.lua");

    private final Redis redis;
    private final RedisFanout fanout;
    private final Clock clock;
    private final String ttlMillis;
    private final String maxLength;
    private final int maxPending;
    private final ThreadLocal<LoopQueue> queues = new ThreadLocal<>();

    private record Pending(PublishRequest request, UniEmitter<? super PublishResult> emitter) {
    }

    public RedisBroker(Redis redis, RedisFanout fanout, Clock clock, Duration ttl, int historySize, int maxPending) {
        this.redis = redis;
        this.maxPending = maxPending;
        this.fanout = fanout;
        this.clock = clock;
        this.ttlMillis = Long.toString(ttl.toMillis());
        this.maxLength = Integer.toString(historySize);
    }

    @Override
    public Uni<PublishResult> publish(PublishRequest request) {
        return Uni.createFrom().emitter(emitter -> add(new Pending(request, emitter)));
    }

    private void add(Pending pending) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            List<Pending> alone = List.of(pending);
            send(alone).onComplete(reply -> settle(alone, reply));
            return;
        }
        LoopQueue queue = queues.get();
        if (queue == null) {
            queue = new LoopQueue(((ContextInternal) context).nettyEventLoop());
            queues.set(queue);
        }
        queue.add(pending, context);
    }

    /**
     * One event loop's publishes on their way to Redis, touched only by that loop's thread. While a
     * batch is in flight, the publishes that arrive wait and go together when its reply comes: the
     * busier the loop, the larger the batches.
     */
    private final class LoopQueue {
        final EventLoop loop;
        final List<Pending> waiting = new ArrayList<>();
        /** The channels of the waiting publishes, in all. */
        int waitingChannels;
        /** Publishes taken and not yet answered, waiting or in flight: what {@link #maxPending} bounds. */
        int unanswered;
        int inFlight;
        boolean scheduled;

        LoopQueue(EventLoop loop) {
            this.loop = loop;
        }

        void add(Pending pending, Context context) {
            if (unanswered >= maxPending) {
                pending.emitter().fail(new PublishQueueFullException(maxPending));
                return;
            }
            unanswered++;
            waiting.add(pending);
            waitingChannels += pending.request().channels().size();
            if (waiting.size() >= MAX_BATCH || waitingChannels >= MAX_BATCH_CHANNELS) {
                sendNext();
            } else if (inFlight == 0 && !scheduled) {
                scheduled = true;
                // runs after the loop has handled every request it read in this turn
                context.runOnContext(v -> {
                    scheduled = false;
                    if (inFlight == 0) {
                        sendNext();
                    }
                });
            }
        }

        void sendNext() {
            if (waiting.isEmpty()) {
                return;
            }
            int size = 0;
            int channels = 0;
            while (size < waiting.size() && size < MAX_BATCH
                    && (size == 0 || channels + waiting.get(size).request().channels().size() <= MAX_BATCH_CHANNELS)) {
                channels += waiting.get(size).request().channels().size();
                size++;
            }
            List<Pending> first = waiting.subList(0, size);
            List<Pending> batch = List.copyOf(first);
            first.clear();
            waitingChannels -= channels;
            inFlight++;
            send(batch).onComplete(reply -> {
                if (loop.inEventLoop()) {
                    sent(batch, reply);
                } else {
                    loop.execute(() -> sent(batch, reply));
                }
            });
        }

        private void sent(List<Pending> batch, AsyncResult<Response> reply) {
            inFlight--;
            unanswered -= batch.size();
            if (inFlight == 0) {
                sendNext();
            }
            settle(batch, reply);
        }
    }

    private Future<Response> send(List<Pending> batch) {
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        Instant now = clock.instant();
        args.addAll(List.of(ttlMillis, maxLength, now.toString(), Long.toString(now.getEpochSecond()),
                Integer.toString(now.getNano()), RedisKeys.FANOUT_PREFIX, Epochs.fresh()));
        for (Pending pending : batch) {
            PublishRequest request = pending.request();
            args.add(request.id());
            args.add(request.event() == null ? "" : request.event());
            args.add(request.data());
            Instant expiresAt = request.expiresAt(now);
            args.add(expiresAt == null ? "" : Long.toString(expiresAt.toEpochMilli()));
            args.add(Integer.toString(request.channels().size()));
            for (ChannelName channel : request.channels()) {
                keys.add(RedisKeys.offset(channel));
                keys.add(RedisKeys.epoch(channel));
                keys.add(RedisKeys.stream(channel));
                args.add(channel.value());
            }
        }
        return PUBLISH.call(redis, keys, args);
    }

    private static void settle(List<Pending> batch, AsyncResult<Response> reply) {
        for (int i = 0; i < batch.size(); i++) {
            if (reply.failed()) {
                batch.get(i).emitter().fail(RedisFailures.unavailable(reply.cause()));
            } else {
                settle(batch.get(i), reply.result().get(i));
            }
        }
    }

    /** One publish's part of the reply: {@code 1, epoch, offset, ...} per channel, or {@code 0, error}. */
    private static void settle(Pending pending, Response reply) {
        if (reply.get(0).toInteger() != 1) {
            pending.emitter().fail(RedisFailures.unavailable(reply.get(1).toString()));
            return;
        }
        List<ChannelName> channels = pending.request().channels();
        List<PublishResult.Placement> placements = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            placements.add(new PublishResult.Placement(channels.get(i),
                    new StreamPosition(reply.get(1 + 2 * i).toString(), reply.get(2 + 2 * i).toLong())));
        }
        pending.emitter().complete(new PublishResult(pending.request().id(), placements));
    }

    @Override
    public Uni<Void> subscribe(ChannelName channel) {
        return fanout.subscribe(channel);
    }

    @Override
    public void unsubscribe(ChannelName channel) {
        fanout.unsubscribe(channel);
    }
}
