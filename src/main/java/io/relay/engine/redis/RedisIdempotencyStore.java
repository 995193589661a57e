package io.relay.engine.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

/**
 * Idempotency keys shared by every replica. The first publish claims the key (claim.lua) and then
 * stores its result there; a retry on any replica finds the result, or, while the first is still
 * running, waits for it. A claim lives {@code claimTtl} until its result replaces it (for the history
 * TTL), so a claim whose result never came (its replica died, Redis failed the write) lets retries
 * publish after seconds. A publish that failed with nothing published releases its claim at once, so
 * its retry publishes; a claim is only ever ended by its own publish (claim and result go through
 * scripts that compare the claimant's token). At most
 * {@code maxKeys} keys are kept, the oldest forgotten first.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private static final RedisScript CLAIM = new RedisScript("claim.lua");
    private static final RedisScript SETTLE = new RedisScript("settle.lua");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PENDING = "pending:";
    private static final Duration POLL = Duration.ofMillis(20);
    private static final int MAX_POLLS = 250;

    private final Redis redis;
    private final String ttlMillis;
    private final String claimTtlMillis;
    private final String maxKeys;

    public RedisIdempotencyStore(Redis redis, Duration ttl, Duration claimTtl, int maxKeys) {
        this.redis = redis;
        this.ttlMillis = Long.toString(ttl.toMillis());
        this.claimTtlMillis = Long.toString(claimTtl.toMillis());
        this.maxKeys = Integer.toString(maxKeys);
    }

    @Override
    public Uni<PublishResult> publishOnce(String key, Supplier<Uni<PublishResult>> publish) {
        return attempt(RedisKeys.idempotency(key), publish, 0);
    }

    /** Claims the key, or takes the first publish's result, or waits for it while its claim stands. */
    private Uni<PublishResult> attempt(String redisKey, Supplier<Uni<PublishResult>> publish, int polls) {
        String claim = PENDING + UUID.randomUUID();
        return CLAIM.run(redis, List.of(redisKey, RedisKeys.IDEMPOTENCY_INDEX), List.of(claimTtlMillis, ttlMillis, maxKeys, claim))
                .onFailure().transform(RedisFailures::unavailable)
                .chain(held -> {
                    if (held == null) {
                        return firstPublish(redisKey, claim, publish);
                    }
                    PublishResult earlier = decodeOrNull(held);
                    if (earlier != null) {
                        return Uni.createFrom().item(earlier);
                    }
                    if (polls >= MAX_POLLS) {
                        return Uni.createFrom().failure(new EngineUnavailableException(
                                "the first publish with this Idempotency-Key is still running", null));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                            .chain(() -> attempt(redisKey, publish, polls + 1));
                });
    }

    /**
     * Publishes, then stores the result in place of this publish's own claim. A failure releases the
     * claim only when nothing can have been published (Redis refused in its reply, or the publish was
     * never sent); when the outcome is unknown (the connection failed before the reply), the claim
     * stays until it expires, so that a retry meanwhile does not publish a second time.
     */
    private Uni<PublishResult> firstPublish(String redisKey, String claim, Supplier<Uni<PublishResult>> publish) {
        return publish.get()
                .call(result -> settle(redisKey, claim, encode(result)))
                .onFailure(RedisIdempotencyStore::nothingPublished).call(() -> settle(redisKey, claim, ""));
    }

    private Uni<Response> settle(String redisKey, String claim, String result) {
        return SETTLE.run(redis, List.of(redisKey, RedisKeys.IDEMPOTENCY_INDEX), List.of(claim, result, ttlMillis))
                .onFailure().recoverWithNull();
    }

    /** An engine refusal with no transport failure behind it: the script answered, or nothing was sent. */
    private static boolean nothingPublished(Throwable failure) {
        return failure instanceof EngineUnavailableException && failure.getCause() == null;
    }

    private static PublishResult decodeOrNull(Response value) {
        if (value == null || value.toString().startsWith(PENDING)) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value.toString());
            List<PublishResult.Placement> placements = new ArrayList<>();
            for (JsonNode placement : node.get("channels")) {
                placements.add(new PublishResult.Placement(ChannelName.of(placement.get("channel").asText()),
                        new StreamPosition(placement.get("epoch").asText(), placement.get("offset").asLong())));
            }
            JsonNode inbox = node.get("inboxStored");
            return new PublishResult(node.get("id").asText(), placements, inbox == null ? null : inbox.asInt());
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
        if (result.inboxStored() != null) {
            node.put("inboxStored", result.inboxStored());
        }
        return node.toString();
    }
}
