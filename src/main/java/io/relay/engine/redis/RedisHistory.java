package io.relay.engine.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.relay.channel.ChannelName;
import io.relay.channel.Recovery;
import io.relay.channel.StreamPosition;
import io.relay.engine.History;
import io.relay.engine.HistoryPage;
import io.relay.engine.Notification;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

/** Reads a channel's Redis stream and position in one script, so the page and the position agree. */
public final class RedisHistory implements History {

    private static final RedisScript READ = new RedisScript("read.lua");
    private static final int HEADER = 3;
    private static final int ENTRY = 6;

    private final Redis redis;

    public RedisHistory(Redis redis) {
        this.redis = redis;
    }

    @Override
    public Uni<HistoryPage> read(ChannelName channel, StreamPosition since, int limit) {
        List<String> keys = List.of(RedisKeys.offset(channel), RedisKeys.epoch(channel), RedisKeys.stream(channel));
        List<String> args = List.of(since == null ? "" : since.epoch(), since == null ? "0" : Long.toString(since.offset()),
                Integer.toString(limit), StreamPosition.EMPTY.epoch());
        return READ.run(redis, keys, args)
                .onFailure().transform(RedisFailures::unavailable)
                .map(reply -> page(channel, since, reply));
    }

    private static HistoryPage page(ChannelName channel, StreamPosition since, Response reply) {
        StreamPosition latest = new StreamPosition(reply.get(0).toString(), reply.get(1).toLong());
        long oldest = reply.get(2).toLong();
        List<Notification> notifications = new ArrayList<>((reply.size() - HEADER) / ENTRY);
        for (int i = HEADER; i + ENTRY <= reply.size(); i += ENTRY) {
            String event = reply.get(i + 2).toString();
            String expiry = reply.get(i + 5).toString();
            notifications.add(new Notification(reply.get(i + 1).toString(), channel,
                    new StreamPosition(latest.epoch(), reply.get(i).toLong()), event.isEmpty() ? null : event,
                    reply.get(i + 3).toString(), Instant.parse(reply.get(i + 4).toString()),
                    expiry.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(expiry))));
        }
        return new HistoryPage(latest, Recovery.isRecovered(since, latest, oldest), notifications);
    }
}
