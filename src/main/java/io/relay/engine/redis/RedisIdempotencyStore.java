package io.relay.engine.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.relay.channel.ChannelName;
import io.relay.channel.StreamPosition;
import io.relay.engine.EngineUnavailableException;
import io.relay.engine.IdempotencyStore;
import io.relay.engine.PublishResult;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Idempotency keys shared by every replica. The first publish claims the key ({@code SET NX}) and
 * then stores its result there; a retry on any replica finds the result, or, while the first is
 * still running, waits for it. A failed publish releases its claim, so its retry publishes.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "pending";
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int MAX_POLLS = 250;

    private final Redis redis;
    private final String ttlMillis;

    public RedisIdempotencyStore(Redis redis, Duration ttl) {
        this.redis = redis;
        this.ttlMillis = Long.toString(ttl.toMillis());
    }

    @Override
    public Uni<PublishResult> publishOnce(String key, Supplier<Uni<PublishResult>> publish) {
        String redisKey = RedisKeys.idempotency(key);
        return RedisScript.send(redis, Request.cmd(Command.SET).arg(redisKey).arg(PENDING).arg("NX").arg("PX").arg(ttlMillis))
                .onFailure().transform(RedisFailures::unavailable)
                .chain(claimed -> claimed != null ? firstPublish(redisKey, publish) : earlierResult(redisKey));
    }

    private Uni<PublishResult> firstPublish(String redisKey, Supplier<Uni<PublishResult>> publish) {
        return publish.get()
                .call(result -> RedisScript.send(redis, Request.cmd(Command.SET).arg(redisKey).arg(encode(result))
                        .arg("XX").arg("PX").arg(ttlMillis)).onFailure().recoverWithNull())
                .onFailure().call(() -> RedisScript.send(redis, Request.cmd(Command.DEL).arg(redisKey))
                        .onFailure().recoverWithNull());
    }

    private Uni<PublishResult> earlierResult(String redisKey) {
        return RedisScript.send(redis, Request.cmd(Command.GET).arg(redisKey))
                .onFailure().transform(RedisFailures::unavailable)
                .map(RedisIdempotencyStore::decodeOrNull)
                .onItem().ifNull().failWith(() -> new StillRunning())
                .onFailure(StillRunning.class).retry().withBackOff(POLL, POLL).atMost(MAX_POLLS)
                .onFailure(StillRunning.class).transform(f -> new EngineUnavailableException(
                        "the first publish with this Idempotency-Key is still running", null));
    }

    private static PublishResult decodeOrNull(Response value) {
        if (value == null || PENDING.equals(value.toString())) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value.toString());
            List<PublishResult.Placement> placements = new ArrayList<>();
            for (JsonNode placement : node.get("channels")) {
                placements.add(new PublishResult.Placement(ChannelName.of(placement.get("channel").asText()),
                        new StreamPosition(placement.get("epoch").asText(), placement.get("offset").asLong())));
            }
            return new PublishResult(node.get("id").asText(), placements);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable idempotency record", e);
        }
    }

    private static String encode(PublishResult result) {
        ObjectNode node = JSON.createObjectNode().put("id", result.id());
        ArrayNode channels = node.putArray("channels");
        for (PublishResult.Placement placement : result.channels()) {
            channels.addObject().put("channel", placement.channel().value())
                    .put("epoch", placement.position().epoch()).put("offset", placement.position().offset());
        }
        return node.toString();
    }

    /** The first publish with the key has not stored its result yet. */
    private static final class StillRunning extends RuntimeException {
        StillRunning() {
            super(null, null, false, false);
        }
    }
}
